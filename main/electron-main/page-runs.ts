/**
 * When a window's runs end. The page that holds a run's port is gone once a main-frame navigation
 * commits (a reload, or a navigation that `will-navigate` let through) or its renderer process dies;
 * then its trainers must stop, or they train on for nobody. Not on `did-start-navigation`: Electron
 * emits it before `will-navigate`, which may still cancel the navigation and keep the page.
 */

/** The WebContents events this needs, with Electron's argument order. */
export interface PageEvents {
  /** Main-frame navigation committed; Electron does not emit it for in-page (same-document) navigation. */
  on(event: 'did-navigate', listener: (event: unknown, url: string, httpResponseCode: number, httpStatusText: string) => void): unknown;
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string; exitCode: number }) => void): unknown;
  on(event: 'destroyed', listener: () => void): unknown;
}

export function endRunsWithPage<O extends PageEvents>(contents: O, closeOwner: (owner: O) => void): void {
  contents.on('did-navigate', () => closeOwner(contents));
  contents.on('render-process-gone', () => closeOwner(contents));
  contents.on('destroyed', () => closeOwner(contents));
}
