/**
 * The application menu as a template: File (New, Open experiment…, Open Recent, Save experiment as…,
 * Export run as CSV / JSON / numpy script), Edit, View, Window, Help, with each platform's
 * conventions (the app menu and Window menu on macOS, Exit in File elsewhere). Built from plain
 * data so tests can check it without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ExportFormat } from '../../core/contract/api';

export interface MenuActions {
  newExperiment(): void;
  openExperiment(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  saveExperimentAs(): void;
  exportRun(format: ExportFormat): void;
}

export interface MenuContext {
  platform: NodeJS.Platform;
  recent: readonly string[];
  /** Reload and developer tools only in development. */
  dev: boolean;
}

export function menuTemplate(ctx: MenuContext, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  const recent: MenuItemConstructorOptions[] = ctx.recent.length
    ? [
        ...ctx.recent.map((path): MenuItemConstructorOptions => ({ label: path, click: () => actions.openRecent(path) })),
        { type: 'separator' },
        { label: 'Clear Recent', click: () => actions.clearRecent() },
      ]
    : [{ label: 'No Recent Files', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: mac ? 'File' : '&File',
    submenu: [
      { label: 'New Experiment', accelerator: 'CmdOrCtrl+N', click: () => actions.newExperiment() },
      { label: 'Open Experiment…', accelerator: 'CmdOrCtrl+O', click: () => actions.openExperiment() },
      { label: 'Open Recent', submenu: recent },
      { type: 'separator' },
      { label: 'Save Experiment As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.saveExperimentAs() },
      {
        label: 'Export Run',
        submenu: [
          { label: 'As CSV…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportRun('csv') },
          { label: 'As JSON…', accelerator: 'CmdOrCtrl+Shift+E', click: () => actions.exportRun('json') },
          { label: 'As numpy Script…', accelerator: 'CmdOrCtrl+Alt+E', click: () => actions.exportRun('numpy') },
        ],
      },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit', label: ctx.platform === 'win32' ? 'E&xit' : '&Quit', accelerator: ctx.platform === 'win32' ? 'Alt+F4' : 'Ctrl+Q' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: mac ? 'View' : '&View',
    submenu: [
      ...(ctx.dev ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    file,
    { role: 'editMenu', label: mac ? 'Edit' : '&Edit' },
    view,
    ...(mac ? [{ role: 'windowMenu' } as MenuItemConstructorOptions] : []),
    { role: 'help', label: mac ? 'Help' : '&Help', submenu: [{ role: 'about', label: 'About nnlab' }] },
  ];
}
