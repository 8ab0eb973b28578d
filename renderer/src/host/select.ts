/** Picks the host: Electron when the preload has defined `window.nnlab`, else the browser's workers. */
import { electronHost } from './electron-host';
import { webHost } from './web-host';
import type { TrainerHost } from './types';

export function selectHost(win: Window = window): TrainerHost {
  return win.nnlab ? electronHost(win.nnlab, win) : webHost();
}
