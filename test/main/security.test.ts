import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppPath, serveAppFile } from '../../main/electron-main/app-protocol';
import { CSP, CSP_HEADER, hardenContents, hardenSession, isAppUrl, isTrustedSender, type HardenableContents, type HardenableSession } from '../../main/electron-main/security';

describe('navigation and origins', () => {
  it('knows the app’s own URLs, and the dev server only when there is one', () => {
    expect(isAppUrl('app://nnlab/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('https://nnlab/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('http://localhost:5173/')).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/x', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('blocks navigation away from the app, redirects, webviews and every new window', () => {
    const handlers = new Map<string, (e: { preventDefault(): void }, url: string) => void>();
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
    const contents: HardenableContents = {
      on: (event, listener) => handlers.set(event, listener),
      setWindowOpenHandler: (h) => (openHandler = h),
    };
    hardenContents(contents);
    const prevented = (event: string, url: string) => {
      let blocked = false;
      handlers.get(event)!({ preventDefault: () => (blocked = true) }, url);
      return blocked;
    };
    expect(prevented('will-navigate', 'https://evil.example/')).toBe(true);
    expect(prevented('will-navigate', 'app://nnlab/index.html')).toBe(false);
    expect(prevented('will-redirect', 'http://127.0.0.1:8080/')).toBe(true);
    expect(prevented('will-attach-webview', 'app://nnlab/')).toBe(true);
    expect(openHandler!({ url: 'app://nnlab/index.html' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check, devices and downloads', () => {
    const answers: boolean[] = [];
    let check: ((wc: null, p: string) => boolean) | null = null;
    let device: (() => boolean) | null = null;
    let download: ((e: { preventDefault(): void }) => void) | null = null;
    const session = {
      setPermissionRequestHandler: (h: (wc: unknown, p: string, cb: (g: boolean) => void) => void) => {
        for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) h(null, p, (g) => answers.push(g));
      },
      setPermissionCheckHandler: (h: (wc: null, p: string) => boolean) => (check = h),
      setDevicePermissionHandler: (h: () => boolean) => (device = h),
      on: (_e: 'will-download', l: (e: { preventDefault(): void }) => void) => (download = l),
    } as unknown as HardenableSession;
    hardenSession(session);
    expect(answers).toEqual([false, false, false, false, false]);
    expect(check!(null, 'media')).toBe(false);
    expect(device!()).toBe(false);
    let stopped = false;
    download!({ preventDefault: () => (stopped = true) });
    expect(stopped).toBe(true);
  });

  it('answers IPC only from the app’s top-level frame', () => {
    expect(isTrustedSender({ url: 'app://nnlab/index.html', parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'app://nnlab/index.html', parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, 'http://localhost:5173')).toBe(true);
  });
});

describe('app:// protocol', () => {
  const root = mkdtempSync(join(tmpdir(), 'nnlab-app-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>nnlab</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, '..', 'secret.txt'), 'secret');

  it('maps URLs to files inside the renderer folder only', () => {
    expect(resolveAppPath('app://nnlab/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppPath('app://nnlab/assets/app.js', root)).toBe(join(root, 'assets', 'app.js'));
    // The URL parser already folds dot segments (also percent-encoded ones) into the root…
    expect(resolveAppPath('app://nnlab/../secret.txt', root)).toBe(join(root, 'secret.txt'));
    expect(resolveAppPath('app://nnlab/%2e%2e/secret.txt', root)).toBe(join(root, 'secret.txt'));
    // …and an encoded slash that would climb out after decoding is refused.
    expect(resolveAppPath('app://nnlab/assets/%2e%2e%2f%2e%2e%2fsecret.txt', root)).toBeNull();
    expect(resolveAppPath('app://nnlab/%00', root)).toBeNull();
    expect(resolveAppPath('app://other/index.html', root)).toBeNull();
    expect(resolveAppPath('file:///etc/passwd', root)).toBeNull();
  });

  it('serves files with their type and the CSP header; anything else is a 404', async () => {
    const page = await serveAppFile('app://nnlab/index.html', root);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CSP_HEADER);
    expect(await page.text()).toContain('<title>nnlab</title>');
    expect((await serveAppFile('app://nnlab/assets/app.js', root)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const missing = await serveAppFile('app://nnlab/nope.js', root);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CSP_HEADER);
    expect((await serveAppFile('app://nnlab/%2e%2e/secret.txt', root)).status).toBe(404);
  });

  it('has a strict policy: nothing inline, no eval, no remote origins', () => {
    expect(CSP.split('; ')).toEqual([
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
    ]);
    expect(CSP_HEADER).toBe(`${CSP}; frame-ancestors 'none'`);
  });
});
