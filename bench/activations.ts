/**
 * Microbenchmark of the elementwise activation kernels: ns an element over a 16384-element array,
 * best of several timed batches, float64 (act_f64) for each kernel module, float32 (act_f32) too;
 * then float64 products of the classroom and relu nets' shapes in G multiply-adds a second, beside
 * numpy's `a @ b` timed the same way (when python3 has numpy).
 * `node --import tsx bench/activations.ts` (builds nothing: run `npm run build:wasm` first). With the
 * revectorizer on where this Node has it, as nnlab runs (node/wide-kernels.ts); NNLAB_WIDE_KERNELS=0
 * times the 128-bit code.
 */
import { spawnSync } from 'node:child_process';
import { createWasmBackend, ACTIVATION_CODES } from '../core/wasm/backend';
import { enableWideKernels } from '../node/wide-kernels';

const wide = enableWideKernels();

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
  console.log(`${be.relaxed ? 'relaxed' : 'plain'}${wide ? ', revectorized' : ''} (ns an element, n = ${N}): ${rows.join(', ')}`);
}

// Products: C = A·B (forward), A·Bᵀ (deltas), Aᵀ·B (weight gradients), relaxed kernels.
const PRODUCTS: [number, number, number][] = [[512, 32, 32], [32, 128, 128]];
{
  const be = createWasmBackend({ reserveBytes: 16 * 1024 * 1024 });
  const fill = (n: number) => be.alloc(n).map((_, i) => Math.sin(i * 1.7));
  const rows: string[] = [];
  for (const [m, k, n] of PRODUCTS) {
    const a = fill(m * k), w = fill(k * n), c = be.alloc(m * n), d = fill(m * n), da = be.alloc(m * k), dw = be.alloc(k * n);
    const rate = (run: () => void) => (m * k * n / time(run) / N).toFixed(1);
    rows.push(`${m}×${k}·${k}×${n}: A·B ${rate(() => be.gemm(m, n, k, a, w, c, null))}, A·Bᵀ ${rate(() => be.gemmNT(m, n, k, d, w, da))}, Aᵀ·B ${rate(() => be.gemmTN(m, n, k, a, d, dw))}`);
  }
  console.log(`${be.name} products (G multiply-adds a second): ${rows.join('; ')}`);
  const py = `import numpy as np, time
for m, k, n in ${JSON.stringify(PRODUCTS)}:
    a, b = np.random.rand(m, k), np.random.rand(k, n)
    for _ in range(200): a @ b
    best = 1e9
    for _ in range(7):
        t = time.perf_counter()
        for _ in range(${REPS}): a @ b
        best = min(best, (time.perf_counter() - t) / ${REPS})
    print(f"{m}×{k}·{k}×{n}: {m * k * n / best / 1e9:.1f}", end="; ")`;
  const r = spawnSync('python3', ['-c', py], { encoding: 'utf8' });
  if (r.status === 0) console.log(`numpy ${spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' }).stdout.trim()} a @ b (G multiply-adds a second, OpenBLAS default threads): ${r.stdout.trim().replace(/;$/, '')}`);
}
