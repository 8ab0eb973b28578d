/** IPC channel names, shared by the preload and main. Plain strings only: the preload bundle imports this. */

/** main → renderer. */
export const EVENTS = {
  runEvent: 'nnlab:run-event',
  /** Sent with webContents.postMessage and the port in `ports`. */
  runPort: 'nnlab:run-port',
  menu: 'nnlab:menu',
} as const;

/** renderer → main, through ipcRenderer.invoke; ipc-contract.ts holds each call's argument schema. */
export const CALL_CHANNELS = [
  'nnlab:open-run',
  'nnlab:close-run',
  'nnlab:open-experiment',
  'nnlab:open-recent',
  'nnlab:recent-files',
  'nnlab:save-experiment-as',
  'nnlab:export-run',
  'nnlab:export-step',
  'nnlab:list-experiments',
  'nnlab:load-experiment',
  'nnlab:save-experiment',
  'nnlab:list-runs',
  'nnlab:load-run',
  'nnlab:save-run',
  'nnlab:open-csv',
] as const;
export type Call = (typeof CALL_CHANNELS)[number];
