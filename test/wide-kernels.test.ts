/**
 * The wide kernels (tnw_*, for V8's revectorizer; node/wide-kernels.ts) compute the same sums as the
 * narrow ones in wider tiles: bit for bit the same products, in this process and in a child Node
 * whose V8 turns their 128-bit pairs into 256-bit AVX2 operations.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { experiment, Trainer } from '../core';
import { createWasmBackend, wideKernels, type KernelPrecision } from '../core/wasm/backend';
import { enableWideKernels, revectorizerAvailable } from '../node/wide-kernels';
import { SHAPES } from '../bench/shapes';
import { randomArray } from './helpers/kernel-check';

const bits = (v: Float64Array) => Array.from(new BigUint64Array(v.buffer.slice(v.byteOffset, v.byteOffset + 8 * v.length)));

describe('wide kernels', () => {
  afterEach(() => void wideKernels(false));

  it('tnw_f64 and tnw_f32 give tn’s bits on every tile edge: rows 1–9, widths 1–35, with and without bias or packing', () => {
    const be = createWasmBackend({ relaxed: true });
    const k = be.kernels;
    let checked = 0;
    for (const [t, bytes] of [['f64', 8], ['f32', 4]] as const) {
      for (const P of [1, 2, 3, 4, 5, 8, 9]) {
        for (const N of [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 35]) {
          for (const L of [0, 1, 6, 37]) {
            // Operands as raw element arrays in kernel memory (f32 ones written through a Float32Array view).
            const put = (values: Float64Array) => {
              const v = be.alloc(values.length);
              if (t === 'f64') v.set(values);
              else new Float32Array(v.buffer, v.byteOffset, values.length).set(values);
              return v.byteOffset;
            };
            const a = put(randomArray(L * P + 4 * L, P * 31 + N));
            const b = put(randomArray(L * N, N * 7 + L));
            const bias = put(randomArray(N, 3));
            for (const withBias of [false, true]) {
              for (const panel of [0, 4 * bytes * L]) {
                const out = [be.alloc(P * N), be.alloc(P * N)];
                const sa = panel ? 4 : P;
                (t === 'f64' ? k.tn_f64 : k.tn_f32)(P, N, L, a, sa, panel, b, N, out[0]!.byteOffset, N, withBias ? bias : 0);
                (t === 'f64' ? k.tnw_f64 : k.tnw_f32)(P, N, L, a, sa, panel, b, N, out[1]!.byteOffset, N, withBias ? bias : 0);
                const view = (v: Float64Array) => (t === 'f64' ? v : Float64Array.from(new Float32Array(v.buffer, v.byteOffset, P * N)));
                expect(bits(view(out[1]!)), `${t} ${P}×${N}×${L} bias ${withBias} panel ${panel}`).toEqual(bits(view(out[0]!)));
                checked++;
              }
            }
          }
        }
      }
    }
    expect(checked).toBe(2 * 7 * 13 * 4 * 4);
  });

  it('a run on wide kernels is the narrow run bit for bit, float64 and float32', () => {
    for (const precision of ['float64', 'float32'] as KernelPrecision[]) {
      for (const id of ['classroom-tanh', 'wide-relu-b32'] as const) {
        const exp = experiment({ ...SHAPES.find((s) => s.id === id)!.experiment(12), precision });
        const runs = [false, true].map((wide) => {
          const t = new Trainer(exp, { backend: createWasmBackend({ precision, wide }) });
          t.run(12);
          return t.result(1);
        });
        expect(runs[1]!.losses, `${id} ${precision}`).toEqual(runs[0]!.losses);
        expect(runs[1]!.params, `${id} ${precision}`).toEqual(runs[0]!.params);
      }
    }
  });

  it('with the revectorizer on (a child Node), wide and narrow runs give the bits of a Node without it', () => {
    if (!revectorizerAvailable()) return; // not an x64 Node built with it: nothing to compare
    const script = fileURLToPath(new URL('./helpers/wide-check.ts', import.meta.url));
    // --no-liftoff: every kernel compiled by the optimising tier, where the revectorizer runs.
    const run = (flags: string[], mode: string) => {
      const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', script, mode], { encoding: 'utf8' });
      expect(r.stderr.split('\n').filter((l) => /Error/.test(l))).toEqual([]);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string>;
    };
    const plain = run(['--no-liftoff'], 'narrow');
    expect(Object.keys(plain)).toHaveLength(6);
    expect(run(['--no-liftoff', '--experimental-wasm-revectorize'], 'wide')).toEqual(plain);
    expect(run(['--no-liftoff', '--experimental-wasm-revectorize'], 'narrow')).toEqual(plain);
    // The revectorizer really rewrote the wide tiles in that child (else the comparison proves nothing).
    // Its trace goes to a file: through a pipe, under load, most of it was lost.
    const dir = mkdtempSync(join(tmpdir(), 'nnlab-revec-'));
    const file = join(dir, 'trace.txt');
    const fd = openSync(file, 'w');
    try {
      spawnSync(process.execPath, ['--no-liftoff', '--single-threaded', '--experimental-wasm-revectorize', '--trace-wasm-revectorize', '--import', 'tsx', script, 'wide'], { stdio: ['ignore', fd, 'ignore'] });
    } finally {
      closeSync(fd);
    }
    const vectorized = new Set<string>();
    let fn = '';
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const begin = /^Begin revec function (\S+)/.exec(line);
      if (begin) fn = begin[1]!;
      if (line.includes('Decide to vectorize')) vectorized.add(fn);
    }
    rmSync(dir, { recursive: true, force: true });
    expect([...vectorized]).toEqual(expect.arrayContaining(['tile_f64_4_4', 'tile_f64_4_4_b', 'tanh_loop']));
  });

  it('with the revectorizer on, every parity fixture trains within 1e-8 of numpy on both first-layer paths (a child Node)', () => {
    if (!revectorizerAvailable()) return;
    const script = fileURLToPath(new URL('./helpers/relaxed-check.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--no-liftoff', '--import', 'tsx', script, 'wide'], { encoding: 'utf8' });
    expect(r.stderr.split('\n').filter((l) => /Error/.test(l))).toEqual([]);
    const fixtures = readdirSync(new URL('./fixtures/parity/', import.meta.url)).filter((f) => f.endsWith('.json')).length;
    expect(r.stdout.trim().split('\n').pop()).toBe(`relaxed (256-bit) ok: 36 products within 1e-13, ${2 * fixtures} fixture runs within 1e-8 of numpy`);
  });

  it('enableWideKernels makes them the default where the revectorizer exists, and NNLAB_WIDE_KERNELS=0 keeps the narrow ones', () => {
    expect(enableWideKernels({ NNLAB_WIDE_KERNELS: '0' })).toBe(false);
    expect(createWasmBackend().wide).toBe(false);
    expect(enableWideKernels({})).toBe(revectorizerAvailable());
    expect(createWasmBackend().wide).toBe(revectorizerAvailable());
    expect(createWasmBackend().name).toMatch(revectorizerAvailable() ? /-wide/ : /^wasm-simd(-relaxed)?$/);
  });

  it('the revectorizer is taken as available only on x64 Node built with it, never under Electron', () => {
    const node = { arch: 'x64', versions: { ...process.versions, electron: undefined }, config: { variables: { v8_enable_wasm_simd256_revec: 1 } } } as unknown as NodeJS.Process;
    expect(revectorizerAvailable(node)).toBe(true);
    expect(revectorizerAvailable({ ...node, arch: 'arm64' })).toBe(false);
    expect(revectorizerAvailable({ ...node, config: { variables: {} } } as unknown as NodeJS.Process)).toBe(false);
    expect(revectorizerAvailable({ ...node, versions: { ...process.versions, electron: '45.4.1' } })).toBe(false);
  });

  it('with wide kernels the classroom and relu nets train on one thread (a second one lost or barely gained)', () => {
    const classroom = SHAPES.find((s) => s.id === 'classroom-tanh')!.experiment(10);
    const relu = SHAPES.find((s) => s.id === 'wide-relu-b32')!.experiment(10);
    wideKernels(false);
    expect([Trainer.splitsPasses(classroom), Trainer.splitsPasses(relu)]).toEqual([true, true]);
    wideKernels(true);
    expect([Trainer.splitsPasses(classroom), Trainer.splitsPasses(relu)]).toEqual([false, false]);
    // Four times the classroom net's rows: big enough to split even so.
    expect(Trainer.splitsPasses(experiment({ ...classroom, data: { kind: 'circles', samples: 2048, noise: 0.08, classes: 2 } }))).toBe(true);
  });
});

