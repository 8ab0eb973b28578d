/**
 * The preload of the sandboxed window (bundled to CommonJS, the only form a sandboxed preload can
 * take). It exposes `window.nnlab` — a fixed set of functions, each forwarding to one IPC call —
 * and nothing of Electron itself: no ipcRenderer, no event objects. Trainer ports cannot cross
 * contextBridge, so they are handed to the page with window.postMessage.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENTS, type Call } from '../common/ipc-channels';
import { API_GLOBAL, TRAINER_PORT_MESSAGE, type MenuCommand, type NnlabApi, type RunEvent } from '../../core/contract/api';

const call =
  <R>(channel: Call) =>
  (...args: unknown[]): Promise<R> =>
    ipcRenderer.invoke(channel, ...args) as Promise<R>;

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => void ipcRenderer.removeListener(channel, wrapped);
}

ipcRenderer.on(EVENTS.runPort, (event: IpcRendererEvent, data: { runId?: unknown }) => {
  if (typeof data?.runId !== 'string' || event.ports.length !== 1) return;
  window.postMessage({ type: TRAINER_PORT_MESSAGE, runId: data.runId }, window.location.origin, event.ports);
});

export const api: NnlabApi = {
  platform: process.platform,
  openRun: call('nnlab:open-run'),
  closeRun: call('nnlab:close-run'),
  onRunEvent: (listener) => subscribe<RunEvent>(EVENTS.runEvent, listener),
  onMenu: (listener) => subscribe<MenuCommand>(EVENTS.menu, listener),
  openExperiment: call('nnlab:open-experiment'),
  openRecent: call('nnlab:open-recent'),
  recentFiles: call('nnlab:recent-files'),
  saveExperimentAs: call('nnlab:save-experiment-as'),
  exportRun: call('nnlab:export-run'),
  exportStep: call('nnlab:export-step'),
  listExperiments: call('nnlab:list-experiments'),
  loadExperiment: call('nnlab:load-experiment'),
  saveExperiment: call('nnlab:save-experiment'),
  listRuns: call('nnlab:list-runs'),
  loadRun: call('nnlab:load-run'),
  saveRun: call('nnlab:save-run'),
  openCsvFile: call('nnlab:open-csv'),
};

contextBridge.exposeInMainWorld(API_GLOBAL, api);
