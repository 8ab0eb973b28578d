/**
 * Host choice: the preload's window.nnlab in Electron, Web Workers in a browser, and in Electron
 * without the preload an error (the browser worker is no fallback there: the app's CSP forbids WASM
 * in it, and runs would fail later with a less clear message).
 */
import { describe, expect, it } from 'vitest';
import { selectHost, underElectron } from '../../renderer/src/host/select';

const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/146.0.0.0 Safari/537.36';
const ELECTRON_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) nnlab/0.1.0 Chrome/146.0.0.0 Electron/45.4.1 Safari/537.36';

const win = (protocol: string, userAgent: string, nnlab?: unknown) => ({ location: { protocol }, navigator: { userAgent }, nnlab }) as unknown as Window;

describe('selectHost', () => {
  it('knows Electron by its app:// page or its user agent (the dev server is http://)', () => {
    expect(underElectron(win('app:', CHROME_UA))).toBe(true);
    expect(underElectron(win('http:', ELECTRON_UA))).toBe(true);
    expect(underElectron(win('http:', CHROME_UA))).toBe(false);
    expect(underElectron(win('file:', CHROME_UA))).toBe(false);
  });

  it('uses Web Workers in a browser', () => {
    expect(selectHost(win('http:', CHROME_UA)).kind).toBe('web');
  });

  it('in Electron without the preload, refuses with a message instead of falling back to the browser worker', () => {
    expect(() => selectHost(win('app:', ELECTRON_UA))).toThrow(/preload/);
    expect(() => selectHost(win('http:', ELECTRON_UA))).toThrow(/preload/);
  });
});
