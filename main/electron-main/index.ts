/**
 * The Electron main process: one hardened window, the app:// protocol, the menu, the IPC handlers,
 * and the trainer host that forks one utility process per run. Everything with logic lives in the
 * modules it wires together (tested under Node); this file only connects them to Electron.
 */
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  protocol,
  session,
  utilityProcess,
  type MessagePortMain,
  type WebContents,
} from 'electron';
import { EVENTS } from '../common/ipc-channels';
import { registerIpc, type Dialogs, type FileActions } from './ipc';
import { menuTemplate } from './menu';
import { endRunsWithPage } from './page-runs';
import type { MenuCommand } from '../../core/contract/api';
import { serveAppFile } from './app-protocol';
import { APP_ORIGIN, APP_SCHEME, hardenContents, hardenSession } from './security';
import { Store } from './store';
import { TrainerHost, type TrainerChild } from './trainer-host';

const here = dirname(fileURLToPath(import.meta.url));
const rendererRoot = join(here, '../renderer');
const preloadPath = join(here, '../preload/index.cjs');
const trainerEntry = join(here, 'trainer-process.js');
/** Set by electron-vite in development only; a packaged app always loads app://. */
const devServer = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
const SERVICE_PREFIX = 'nnlab-trainer-';

// Must precede `ready`: app:// behaves like https (secure, standard URL parsing, fetch).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

// A second nnlab hands over to the first (see 'second-instance') and does nothing itself.
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

function forkTrainer(runId: string): TrainerChild<MessagePortMain> {
  const child = utilityProcess.fork(trainerEntry, [], { serviceName: `${SERVICE_PREFIX}${runId}`, stdio: 'inherit' });
  return {
    send: (message, port) => child.postMessage(message, port ? [port] : []),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.on('exit', (code) => listener(code)),
    kill: () => void child.kill(),
  };
}

const host = new TrainerHost<MessagePortMain, WebContents>({
  spawn: forkTrainer,
  createChannel: () => {
    const { port1, port2 } = new MessageChannelMain();
    return { ui: port1, trainer: port2 };
  },
  // Deferred a turn so the reply to openRun (which carries the run id) goes out before the run's
  // first event and its port; all three travel over the window's one IPC pipe, in order.
  deliverPort: (owner, runId, port) =>
    setImmediate(() => {
      if (!owner.isDestroyed()) owner.postMessage(EVENTS.runPort, { runId }, [port]);
    }),
  notify: (owner, event) =>
    setImmediate(() => {
      if (!owner.isDestroyed()) owner.send(EVENTS.runEvent, event);
    }),
  maxProcesses: Math.max(1, availableParallelism()),
  exitGraceMs: 100,
  log: (line) => console.warn(line),
});

const dialogs: Dialogs<WebContents> = {
  async openJson(owner, title) {
    const win = BrowserWindow.fromWebContents(owner);
    const options = { title, properties: ['openFile' as const], filters: [{ name: 'nnlab experiment or lab (lesson)', extensions: ['json'] }] };
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  },
  async openCsv(owner, title) {
    const win = BrowserWindow.fromWebContents(owner);
    const options = { title, properties: ['openFile' as const], filters: [{ name: 'CSV (comma, semicolon or tab separated)', extensions: ['csv', 'tsv', 'txt'] }] };
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  },
  async save(owner, title, defaultName, extension, label) {
    const win = BrowserWindow.fromWebContents(owner);
    const options = { title, defaultPath: join(app.getPath('documents'), defaultName), filters: [{ name: label, extensions: [extension] }] };
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return r.canceled ? null : (r.filePath ?? null);
  },
};

let mainWindow: BrowserWindow | null = null;
let files: FileActions<WebContents> | null = null;

function sendMenu(command: MenuCommand): void {
  const wc = mainWindow?.webContents;
  if (wc && !wc.isDestroyed()) wc.send(EVENTS.menu, command);
}

function buildMenu(recent: string[]): void {
  const template = menuTemplate(
    { platform: process.platform, recent, dev: devServer !== null },
    {
      newExperiment: () => sendMenu({ command: 'new' }),
      openExperiment: () => {
        const wc = mainWindow?.webContents;
        if (wc && files) void files.open(wc).then((result) => sendMenu({ command: 'opened', result }));
      },
      openRecent: (path) => void files?.openPath(path).then((result) => sendMenu({ command: 'opened', result })),
      clearRecent: () => void store.clearRecent().then(recentChanged),
      saveExperimentAs: () => sendMenu({ command: 'save-as' }),
      exportRun: (format) => sendMenu({ command: 'export', format }),
    },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function recentChanged(paths: string[]): void {
  buildMenu(paths);
  app.clearRecentDocuments();
  for (const p of [...paths].reverse()) app.addRecentDocument(p);
}

let store: Store;

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'nnlab',
    show: false,
    // Spelled out here rather than built by a helper, so electronegativity's static checks can see each one.
    webPreferences: {
      // The preload is sandboxed CommonJS exposing only the fixed, typed window.nnlab API (main/preload/preload.ts).
      preload: preloadPath, // eng-disable PRELOAD_JS_CHECK because it only bridges the typed nnlab API
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click would open links in new windows (window.open is denied anyway).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  mainWindow = win;
  const contents = win.webContents;
  win.once('ready-to-show', () => win.show());
  // The window's runs end with its page: committed navigation (reload), renderer loss, window closed.
  endRunsWithPage(contents, (owner) => host.closeOwner(owner));
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(devServer ?? `${APP_ORIGIN}/index.html`);
}

app.on('web-contents-created', (_event, contents) => hardenContents(contents, devServer));

app.on('child-process-gone', (_event, details) => {
  const name = details.name ?? details.serviceName ?? '';
  if (details.type === 'Utility' && name.startsWith(SERVICE_PREFIX)) {
    host.processGone(name.slice(SERVICE_PREFIX.length), `${details.reason === 'oom' ? 'ran out of memory' : details.reason} (exit code ${details.exitCode})`);
  }
});

app.on('second-instance', () => {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
});

void app.whenReady().then(async () => {
  if (!primary) return;
  store = new Store(app.getPath('userData'));
  protocol.handle(APP_SCHEME, (request) => serveAppFile(request.url, rendererRoot));
  hardenSession(session.defaultSession);
  files = registerIpc({ ipcMain, store, host, dialogs, devServer, recentChanged: (paths) => recentChanged(paths) });
  recentChanged(await store.recentFiles());
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  host.shutdown();
  if (process.platform !== 'darwin') app.quit();
});

app.on('before-quit', () => host.shutdown());
