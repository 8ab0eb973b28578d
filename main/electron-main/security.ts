/**
 * The Electron security checklist, apart from the window's webPreferences (spelled out in index.ts
 * where electronegativity can read them): the content security policy, navigation, new windows,
 * permissions, and who may call IPC. Electron objects are typed
 * structurally so the policy decisions can be tested under plain Node.
 */
import type { Session, WebContents } from 'electron';

/** The app's own origin: the renderer is served from this custom scheme (app-protocol.ts), never file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'nnlab';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Strict: scripts, styles and workers only from the app itself; nothing inline, no eval. No
 * 'wasm-unsafe-eval': the renderer never compiles WebAssembly (training runs in the utility
 * process, which no CSP governs). React's style props go through the CSSOM, which style-src allows.
 */
export const CSP_DIRECTIVES = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
] as const;
/** For the <meta> tag electron.config.ts injects (frame-ancestors is ignored in meta). */
export const CSP = CSP_DIRECTIVES.join('; ');
/** For the response header app-protocol.ts sends with every file. */
export const CSP_HEADER = `${CSP}; frame-ancestors 'none'`;

/**
 * Whether `url` belongs to the app: the app scheme, or in development exactly the dev server's
 * origin. Compared as scheme + host + port, since URL#origin is "null" for custom schemes.
 */
export function isAppUrl(url: string, devServer: string | null = null): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
  if (!devServer) return false;
  const d = new URL(devServer);
  return u.protocol === d.protocol && u.host === d.host;
}

type NavigationEvent = { preventDefault(): void };
export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: NavigationEvent, url: string) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** Every webContents: no navigation away from the app, no new windows, no webviews. */
export function hardenContents(contents: HardenableContents, devServer: string | null = null): void {
  const stayHome = (event: NavigationEvent, url: string) => {
    if (!isAppUrl(url, devServer)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export interface HardenableSession {
  setPermissionRequestHandler(handler: (wc: WebContents, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (wc: WebContents | null, permission: string) => boolean): void;
  setDevicePermissionHandler?(handler: () => boolean): void;
  on(event: 'will-download', listener: (event: NavigationEvent) => void): unknown;
}

/** nnlab needs no camera, notifications, geolocation, devices or downloads: deny them all. */
export function hardenSession(session: HardenableSession): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
  session.on('will-download', (event) => event.preventDefault());
}

/** IPC is answered only for the app's own top-level page. */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined, devServer: string | null = null): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url, devServer);
}

// Compile-time check that the real Electron objects fit the structural types above.
type Assert<T extends true> = T;
export type _Checks = [Assert<Session extends HardenableSession ? true : false>, Assert<WebContents extends HardenableContents ? true : false>];
