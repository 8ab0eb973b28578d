// Run by test/kernels-wasm.test.ts in a child `node --experimental-wasm-relaxed-simd`: the FMA
// build against the reference on every tile edge. Prints one summary line or throws.
import { readFileSync, readdirSync } from 'node:fs';
import { experiment, Trainer } from '../../core';
import { referenceBackend } from '../../core/kernels';
import { createWasmBackend, relaxedSimdSupported } from '../../core/wasm/backend';
import { enableWideKernels } from '../../node/wide-kernels';
import { worstMismatch } from './close';
import { inBackend, productMismatch, randomArray } from './kernel-check';

// With `wide`: the 256-bit kernels through V8's revectorizer (test/wide-kernels.test.ts runs it so).
const wide = process.argv[2] === 'wide' && enableWideKernels();
if (process.argv[2] === 'wide' && !wide) throw new Error('the revectorizer is not available in this Node');
if (!relaxedSimdSupported()) throw new Error('relaxed SIMD not available even with the flag');
const be = createWasmBackend({ relaxed: true });
if (be.wide !== wide) throw new Error(`backend ${be.name}: wide kernels ${be.wide}, wanted ${wide}`);
if (!be.relaxed) throw new Error('backend did not pick the relaxed build');
const shapes: [number, number, number][] = [[1, 1, 1], [4, 4, 4], [5, 9, 13], [3, 2, 1], [8, 8, 0], [7, 3, 5], [13, 1, 6], [2, 17, 9], [64, 100, 1000], [64, 10, 100], [128, 100, 100], [9, 10, 2]];
let count = 0;
for (const [m, n, k] of shapes) {
  const own = (v: Float64Array) => inBackend(be, v);
  const a = own(randomArray(m * k, m));
  const b = own(randomArray(k * n, n));
  const d = own(randomArray(m * n, k));
  const bias = own(randomArray(n, 5));
  const checks: [string, (c: Float64Array) => void, (c: Float64Array) => void, number, number, Float64Array, Float64Array][] = [
    ['gemm', (c) => referenceBackend.gemm(m, n, k, a, b, c, bias), (c) => be.gemm(m, n, k, a, b, c, bias), m * n, k, a, b],
    ['gemmTN', (c) => referenceBackend.gemmTN(m, n, k, a, d, c), (c) => be.gemmTN(m, n, k, a, d, c), k * n, m, a, d],
    ['gemmNT', (c) => referenceBackend.gemmNT(m, n, k, d, b, c), (c) => be.gemmNT(m, n, k, d, b, c), m * k, n, d, b],
  ];
  for (const [name, ref, run, len, red, x, y] of checks) {
    const want = new Float64Array(len);
    const got = be.alloc(len);
    ref(want);
    run(got);
    const err = productMismatch(name, got, want, x, y, red, 1e-13);
    if (err) throw new Error(`${m}×${n}×${k} ${err}`);
    count++;
  }
}

// FMA rounds once where mul + add rounds twice: the numpy parity (1e-8) must still hold, on both paths.
const dir = new URL('../fixtures/parity/', import.meta.url);
let runs = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const f = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { experiment: unknown; losses: number[]; params: { weights: number[][] }[] };
  const exp = experiment(f.experiment);
  for (const inputGram of [true, false]) {
    const t = new Trainer(exp, { backend: createWasmBackend({ relaxed: true }), inputGram });
    t.run(exp.steps + 1);
    const r = t.result(1);
    const bad = worstMismatch(r.losses, f.losses) ?? r.params.map((l, i) => worstMismatch(l.weights.flat(), f.params[i]!.weights.flat())).find((m) => m !== null);
    if (bad || r.losses.length !== f.losses.length) throw new Error(`${file} (inputGram ${inputGram}): ${JSON.stringify(bad)}`);
    runs++;
  }
}
console.log(`relaxed${wide ? ' (256-bit)' : ''} ok: ${count} products within 1e-13, ${runs} fixture runs within 1e-8 of numpy`);
