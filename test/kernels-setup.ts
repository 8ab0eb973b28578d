// Vitest global setup: the WASM kernels are generated (scripts/build-wasm.mjs) and no install hook
// builds them, so a direct `npx vitest run …` builds them when missing or out of date.
// @ts-expect-error a plain .mjs script without types
import { buildKernels } from '../scripts/build-wasm.mjs';

export default async function setup(): Promise<void> {
  await (buildKernels as (o: { ifStale: boolean; quiet: boolean }) => Promise<boolean>)({ ifStale: true, quiet: true });
}
