/** Picks the host: Electron when the preload has defined `window.nnlab`, else the browser's workers. */
import { electronHost } from './electron-host';
import { webHost } from './web-host';
import type { TrainerHost } from './types';

/** The page runs inside nnlab's Electron window: the packaged app:// page, or the dev server there. */
export function underElectron(win: Pick<Window, 'location' | 'navigator'>): boolean {
  return win.location.protocol === 'app:' || /\bElectron\//.test(win.navigator.userAgent);
}

export function selectHost(win: Window = window): TrainerHost {
  if (win.nnlab) return electronHost(win.nnlab, win);
  // Not the browser worker as a fallback: the desktop CSP forbids WASM there, and files, menus and
  // saved runs need the bridge too. A missing preload is a broken build; say so at once.
  if (underElectron(win)) {
    throw new Error('nnlab could not start: its desktop bridge (the preload script) did not load. Rebuild the app (npm run build) or reinstall it.');
  }
  return webHost();
}
