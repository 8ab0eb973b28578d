/**
 * Microbenchmark of the elementwise activation kernels: ns an element over a 16384-element array,
 * best of several timed batches, float64 (act_f64) for each kernel module, float32 (act_f32) too.
 * `node --import tsx bench/activations.ts` (builds nothing: run `npm run build:wasm` first).
 */
import { createWasmBackend, ACTIVATION_CODES } from '../core/wasm/backend';

const N = 16384;
const REPS = 200;
const BATCHES = 7;

function time(run: () => void): number {
  for (let i = 0; i < 20; i++) run();
  let best = Infinity;
  for (let b = 0; b < BATCHES; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < REPS; i++) run();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / REPS / N);
  }
  return best;
}

for (const relaxed of [true, false]) {
  const be = createWasmBackend({ relaxed, reserveBytes: 16 * 1024 * 1024 });
  const z = be.alloc(N);
  for (let i = 0; i < N; i++) z[i] = Math.sin(i * 12.9898) * 4; // pre-activations in [-4, 4]
  const a = be.alloc(N);
  const k = be.kernels as unknown as Record<string, (...args: number[]) => void>;
  const rows: string[] = [];
  for (const kind of ['tanh', 'sigmoid', 'relu'] as const) {
    rows.push(`${kind} f64 ${time(() => k.act_f64!(ACTIVATION_CODES[kind], N, z.byteOffset, a.byteOffset)).toFixed(2)}`);
  }
  rows.push(`exp f64 ${time(() => k.exp_f64!(N, z.byteOffset, a.byteOffset)).toFixed(2)}`);
  if (k.act_f32) {
    for (const kind of ['tanh', 'sigmoid', 'relu'] as const) {
      rows.push(`${kind} f32 ${time(() => k.act_f32!(ACTIVATION_CODES[kind], N, z.byteOffset, a.byteOffset)).toFixed(2)}`);
    }
  }
  const js = new Float64Array(N);
  const zs = Float64Array.from(z);
  rows.push(`Math.tanh ${time(() => { for (let i = 0; i < N; i++) js[i] = Math.tanh(zs[i]!); }).toFixed(2)}`);
  console.log(`${be.relaxed ? 'relaxed' : 'plain'} (ns an element, n = ${N}): ${rows.join(', ')}`);
}
