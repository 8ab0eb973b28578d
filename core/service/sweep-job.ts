/**
 * The worker's half of a sweep: train one grid point exactly as `nnlab train` does (same Trainer,
 * default backend, whole-run loss record) and report it. Platform-free: the Node worker and a Web
 * Worker both feed it jobs and forward what it posts, and the Node pool's own thread runs it in
 * slices between its events (core/service/in-thread-worker.ts).
 *
 * The compiled WASM module is cached per thread (core/wasm/backend.ts), so only a worker's first run
 * pays for compilation; later runs instantiate it on fresh memory.
 */
import { SweepJobSchema, type SweepRunNumbers, type SweepWorkerMessage } from '../contract/sweep';
import { parseExperiment } from '../experiment';
import { Trainer } from '../trainer';
import { createWasmBackend, DEFAULT_RESERVE_BYTES, KernelMemory, wasmSimdSupported, type KernelPrecision } from '../wasm/backend';
import { now } from './clock';

/** A progress message at most this often: cheap for the pool, smooth enough for a progress bar. */
const PROGRESS_MS = 200;

/** A job under way: `advance` trains until the run ends or about `budgetMs` have passed, and says whether it ended. */
export interface SweepJobRun {
  advance(budgetMs: number): boolean;
}

const ended: SweepJobRun = { advance: () => true };

/**
 * One kernel memory kept by this thread from run to run: a run gets it zeroed, exactly as a fresh
 * one, but with its pages already mapped (a fresh memory's first touches cost a 400-step run of a
 * small net ~1.3 ms of its ~30). Runs taking turns on one thread (the in-thread worker's slices)
 * get fresh ones while it is lent. One grown past KEEP_BYTES is let go.
 */
let spare: KernelMemory | null = null;
const KEEP_BYTES = 64 * 1024 * 1024;

/** The backend `new Trainer` would pick (core/wasm/backend.ts defaultBackend), on the kept memory. */
function lendBackend(precision: KernelPrecision): { backend: ReturnType<typeof createWasmBackend>; memory: KernelMemory } | null {
  if (!wasmSimdSupported()) return null;
  const memory = spare ?? new KernelMemory(DEFAULT_RESERVE_BYTES);
  spare = null;
  return { backend: createWasmBackend({ precision, memory }), memory };
}

function giveBack(memory: KernelMemory): void {
  if (spare || memory.memory.buffer.byteLength > KEEP_BYTES) return;
  memory.reset();
  spare = memory;
}

/** Checks the job and builds its Trainer; failures are posted here and give a job that has ended. */
export function startSweepJob(raw: unknown, post: (msg: SweepWorkerMessage) => void): SweepJobRun {
  const job = SweepJobSchema.safeParse(raw);
  if (!job.success) {
    const index = typeof (raw as { index?: unknown })?.index === 'number' ? (raw as { index: number }).index : 0;
    post({ type: 'failed', index, error: `bad job: ${job.error.issues[0]?.message ?? 'invalid'}` });
    return ended;
  }
  const { index, keepResult } = job.data;
  const fail = (e: unknown) => post({ type: 'failed', index, error: (e as Error).message || String(e) });
  let trainer: Trainer;
  let lent: ReturnType<typeof lendBackend> = null;
  try {
    const parsed = parseExperiment(job.data.experiment);
    if (!parsed.ok) {
      post({ type: 'failed', index, error: parsed.message });
      return ended;
    }
    // The step-scheduled history only goes into a kept result that asks for it; a run that keeps none
    // skips recording it (a large share of a small net's loop). It never changes the numbers (history.test.ts).
    lent = lendBackend(parsed.experiment.precision ?? 'float64');
    trainer = new Trainer(parsed.experiment, { history: keepResult && job.data.keepHistory !== false, ...(lent ? { backend: lent.backend } : {}) });
  } catch (e) {
    if (lent) giveBack(lent.memory);
    fail(e);
    return ended;
  }
  const steps = trainer.experiment.steps;
  // Slices as in the CLI's train loop (slicing never changes the numbers; tested in parity.test.ts).
  let slice = 1;
  let elapsed = 0;
  let lastPost = now();
  let done = false;

  const finish = () => {
    const result = trainer.result(elapsed);
    const metrics = trainer.metrics();
    let minLoss: number | null = null;
    for (const l of result.losses) if (minLoss === null || l < minLoss) minLoss = l;
    const run: SweepRunNumbers = {
      status: result.status === 'diverged' ? 'diverged' : 'completed',
      steps: result.steps,
      finalLoss: result.losses.at(-1) ?? null,
      minLoss,
      divergedAtStep: result.divergedAtStep,
      testLoss: result.testLoss.at(-1)?.[1] ?? null,
      accuracy: metrics.accuracy,
      testAccuracy: metrics.testAccuracy,
      seconds: elapsed,
    };
    // Everything above is copied out of kernel memory (the result's arrays are plain ones).
    if (lent) giveBack(lent.memory);
    post(keepResult ? { type: 'done', index, run, result } : { type: 'done', index, run });
  };

  return {
    advance(budgetMs) {
      if (done) return true;
      try {
        const start = now();
        while (!trainer.finished) {
          const t0 = now();
          trainer.run(slice);
          const t1 = now();
          elapsed += (t1 - t0) / 1000;
          // Slices double up to 50 ms, or up to half the budget, and halve when one overruns it.
          if (t1 - t0 < Math.min(50, budgetMs / 2)) slice *= 2;
          else if (t1 - t0 > budgetMs) slice = Math.max(1, slice >> 1);
          if (t1 - lastPost >= PROGRESS_MS) {
            lastPost = t1;
            post({ type: 'progress', index, step: trainer.step, steps });
          }
          if (t1 - start >= budgetMs && !trainer.finished) return false;
        }
        done = true;
        finish();
      } catch (e) {
        done = true;
        if (lent) giveBack(lent.memory);
        fail(e);
      }
      return true;
    },
  };
}

export function runSweepJob(raw: unknown, post: (msg: SweepWorkerMessage) => void): void {
  startSweepJob(raw, post).advance(Infinity);
}
