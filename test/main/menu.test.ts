import { describe, expect, it } from 'vitest';
import { menuTemplate, type MenuActions } from '../../main/electron-main/menu';

type MenuItemConstructorOptions = ReturnType<typeof menuTemplate>[number];

function actions() {
  const calls: string[] = [];
  const a: MenuActions = {
    newExperiment: () => calls.push('new'),
    openExperiment: () => calls.push('open'),
    openRecent: (p) => calls.push(`recent ${p}`),
    clearRecent: () => calls.push('clear'),
    saveExperimentAs: () => calls.push('save-as'),
    exportRun: (f) => calls.push(`export ${f}`),
  };
  return { a, calls };
}

const items = (m: MenuItemConstructorOptions) => m.submenu as MenuItemConstructorOptions[];
const find = (list: MenuItemConstructorOptions[], label: string) => list.find((i) => i.label === label)!;
const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

describe('application menu', () => {
  it('has the File commands with their accelerators, each wired to its action', () => {
    const { a, calls } = actions();
    const file = items(menuTemplate({ platform: 'linux', recent: ['/a.json', '/b.json'], dev: false }, a)[0]!);
    expect(file.filter((i) => i.label).map((i) => [i.label, i.accelerator ?? null])).toEqual([
      ['New Experiment', 'CmdOrCtrl+N'],
      ['Open Experiment…', 'CmdOrCtrl+O'],
      ['Open Recent', null],
      ['Save Experiment As…', 'CmdOrCtrl+Shift+S'],
      ['Export Run', null],
      ['&Quit', 'Ctrl+Q'],
    ]);
    const exports = items(find(file, 'Export Run'));
    expect(exports.map((i) => [i.label, i.accelerator])).toEqual([
      ['As CSV…', 'CmdOrCtrl+E'],
      ['As JSON…', 'CmdOrCtrl+Shift+E'],
      ['As numpy Script…', 'CmdOrCtrl+Alt+E'],
    ]);
    click(find(file, 'New Experiment'));
    click(find(file, 'Open Experiment…'));
    click(find(file, 'Save Experiment As…'));
    exports.forEach(click);
    const recent = items(find(file, 'Open Recent'));
    click(find(recent, '/b.json'));
    click(find(recent, 'Clear Recent'));
    expect(calls).toEqual(['new', 'open', 'save-as', 'export csv', 'export json', 'export numpy', 'recent /b.json', 'clear']);
  });

  it('follows each platform: app and Window menus on macOS, Exit with Alt+F4 on Windows', () => {
    const { a } = actions();
    const mac = menuTemplate({ platform: 'darwin', recent: [], dev: false }, a);
    expect(mac.map((m) => m.role ?? m.label)).toEqual(['appMenu', 'File', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(items(mac[1]!).at(-1)).toEqual({ role: 'close' });
    expect(items(find(items(mac[1]!), 'Open Recent'))).toEqual([{ label: 'No Recent Files', enabled: false }]);
    const win = menuTemplate({ platform: 'win32', recent: [], dev: false }, a);
    expect(win.map((m) => m.role ?? m.label)).toEqual(['&File', 'editMenu', '&View', 'help']);
    expect(items(win[0]!).at(-1)).toEqual({ role: 'quit', label: 'E&xit', accelerator: 'Alt+F4' });
  });

  it('offers reload and developer tools only in development', () => {
    const { a } = actions();
    const roles = (dev: boolean) => items(menuTemplate({ platform: 'linux', recent: [], dev }, a)[2]!).map((i) => i.role);
    expect(roles(true)).toContain('toggleDevTools');
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
  });
});
