/**
 * 256-bit kernels on Node: V8's revectorizer (`--experimental-wasm-revectorize`) fuses pairs of
 * neighbouring 128-bit WASM SIMD operations into single AVX2 operations when it compiles a hot
 * function, and the kernels' wide tiles (tnw_*, core/wasm/kernels.wat.mjs) are written so that
 * their products pair up. Each lane is still the same IEEE operation, so results are bit for bit
 * those of the narrow kernels (test/wide-kernels.test.ts); only the speed changes (on this machine,
 * `bench/activations.ts`: float64 products 10.6–12.0 → 17.4–22.8 G multiply-adds a second, tanh
 * 2.09 → 1.07 ns an element).
 *
 * Node-only (v8.setFlagsFromString); browsers and Electron keep the narrow kernels (the desktop app's
 * utility process does not call this). Call before the first backend is created: the flag must be
 * set before V8 optimises the kernels. Sweep workers take the choice of the thread that starts the
 * pool (node/sweep-pool.ts). NNLAB_WIDE_KERNELS=0 turns it off (the flag is experimental in V8).
 */
import { setFlagsFromString } from 'node:v8';
import { wideKernels } from '../core/wasm/backend';

/**
 * Whether this Node's V8 can revectorize: built with it (Node's x64 builds are; `process.config`
 * says so) on an x64 CPU. Not under Electron: its V8 is Chromium's build, which leaves the
 * revectorizer out unless asked, and its `process.config` describes its Node, not its V8; without the
 * revectorizer the wide tiles spill and run slower, so the app keeps the 128-bit ones (unverified
 * here: the Electron binary cannot be downloaded on this machine).
 */
export function revectorizerAvailable(proc: Pick<NodeJS.Process, 'arch' | 'versions' | 'config'> = process): boolean {
  const variables = (proc.config as { variables?: Record<string, unknown> }).variables ?? {};
  return proc.arch === 'x64' && !proc.versions.electron && Number(variables.v8_enable_wasm_simd256_revec) === 1;
}

/** Turns the revectorizer on and makes the wide tiles the default where it is available; returns whether it did. */
export function enableWideKernels(env: Record<string, string | undefined> = process.env): boolean {
  if (env.NNLAB_WIDE_KERNELS === '0' || !revectorizerAvailable()) return wideKernels(false);
  setFlagsFromString('--experimental-wasm-revectorize');
  return wideKernels(true);
}
