/**
 * The worker's half of a sweep: train one grid point exactly as `nnlab train` does (same Trainer,
 * default backend, whole-run loss record) and report it. Platform-free: the Node worker and a Web
 * Worker both feed it jobs and forward what it posts.
 *
 * The compiled WASM module is cached per thread (core/wasm/backend.ts), so only a worker's first run
 * pays for compilation; later runs instantiate it on fresh memory.
 */
import { SweepJobSchema, type SweepRunNumbers, type SweepWorkerMessage } from '../contract/sweep';
import { parseExperiment } from '../experiment';
import { Trainer } from '../trainer';
import { now } from './clock';

/** A progress message at most this often: cheap for the pool, smooth enough for a progress bar. */
const PROGRESS_MS = 200;

export function runSweepJob(raw: unknown, post: (msg: SweepWorkerMessage) => void): void {
  const job = SweepJobSchema.safeParse(raw);
  if (!job.success) {
    const index = typeof (raw as { index?: unknown })?.index === 'number' ? (raw as { index: number }).index : 0;
    post({ type: 'failed', index, error: `bad job: ${job.error.issues[0]?.message ?? 'invalid'}` });
    return;
  }
  const { index, keepResult } = job.data;
  try {
    const parsed = parseExperiment(job.data.experiment);
    if (!parsed.ok) {
      post({ type: 'failed', index, error: parsed.message });
      return;
    }
    const exp = parsed.experiment;
    // The step-scheduled history only goes into a kept result that asks for it; a run that keeps none
    // skips recording it (a large share of a small net's loop). It never changes the numbers (history.test.ts).
    const trainer = new Trainer(exp, { history: keepResult && job.data.keepHistory !== false });
    // Slices as in the CLI's train loop (slicing never changes the numbers; tested in parity.test.ts).
    let slice = 1;
    let elapsed = 0;
    let lastPost = now();
    while (!trainer.finished) {
      const t0 = now();
      trainer.run(slice);
      const t1 = now();
      elapsed += (t1 - t0) / 1000;
      if (t1 - t0 < 50) slice *= 2;
      if (t1 - lastPost >= PROGRESS_MS) {
        lastPost = t1;
        post({ type: 'progress', index, step: trainer.step, steps: exp.steps });
      }
    }
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
    post(keepResult ? { type: 'done', index, run, result } : { type: 'done', index, run });
  } catch (e) {
    post({ type: 'failed', index, error: (e as Error).message || String(e) });
  }
}
