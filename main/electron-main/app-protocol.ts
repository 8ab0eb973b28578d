/**
 * Serves the built renderer from app://nnlab/ instead of file://, so the page has a real origin
 * (IPC sender checks, navigation rules) and every response carries the CSP header. Only files
 * inside the renderer folder are served.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { APP_HOST, APP_SCHEME, CSP_HEADER } from './security';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** The file an app:// URL names inside `root`, or null for anything else (other hosts, `..`, encoded escapes). */
export function resolveAppPath(url: string, root: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const full = normalize(join(root, path));
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  return full.startsWith(base) ? full : null;
}

export async function serveAppFile(url: string, root: string): Promise<Response> {
  const path = resolveAppPath(url, root);
  const headers = { 'Content-Security-Policy': CSP_HEADER, 'X-Content-Type-Options': 'nosniff' };
  if (!path) return new Response('not found', { status: 404, headers });
  try {
    const body = await readFile(path);
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': MIME[extname(path)] ?? 'application/octet-stream' } });
  } catch {
    return new Response('not found', { status: 404, headers });
  }
}
