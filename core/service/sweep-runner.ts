/**
 * The run pool's scheduling, independent of what a worker is: the CLI binds it to worker_threads
 * (node/sweep-pool.ts), the browser build can bind it to Web Workers. Workers are kept across runs
 * (each compiles the kernels once) and take the next run as they finish one, the costliest runs
 * first, so a long run does not start last and hold up the end of the sweep; while runs remain, each
 * holds the one after its current run, so it never waits on the pool between runs. A worker that
 * crashes fails the one run it was on (a run it held queued goes to another), is replaced, and the
 * sweep goes on. Stopping terminates every worker and
 * marks unfinished runs "stopped".
 */
import { SweepWorkerMessageSchema, type SweepJob, type SweepResults, type SweepRun } from '../contract/sweep';
import type { SweepPoint } from '../sweep';
import type { RunResult } from '../types';
import { now } from './clock';

/** What the pool needs from a worker: send it a job, end it. */
export interface SweepWorkerHandle {
  post(job: SweepJob): void;
  terminate(): void;
  /** The pool is done with this healthy, idle worker; it may be kept for another sweep (kept-workers.ts). Default: terminate. */
  release?(): void;
}

/** What a worker reports to the pool. `crash` is any way it can die: an uncaught error, an exit, a failed load. */
export interface SweepWorkerEvents {
  message(msg: unknown): void;
  crash(error: string): void;
}

/** The part of an AbortSignal the pool uses (the core's lib does not declare the DOM's). */
export interface StopSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export type SweepWorkerFactory = (events: SweepWorkerEvents) => SweepWorkerHandle;

export interface SweepProgress {
  total: number;
  /** Runs ended, whatever their status. */
  finished: number;
  failed: number;
  diverged: number;
  /** Runs in flight and the step each last reported. */
  running: { index: number; step: number; steps: number }[];
  /** 0…1: finished runs plus the reported share of the running ones. */
  fraction: number;
}

export interface SweepRunOptions {
  /** Pool size; never more workers than runs. */
  workers: number;
  createWorker: SweepWorkerFactory;
  /** Ask workers for each run's whole result (losses, params, hold-out record). */
  keepResults?: boolean;
  /** With `keepResults`: false leaves the step-scheduled history out of it (not recorded at all). Default true. */
  keepHistory?: boolean;
  /** Aborting stops the sweep: workers terminated, unfinished runs "stopped". */
  signal?: StopSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Called as each run ends (in completion order), with its full result when `keepResults`. */
  onRun?: (run: SweepRun, result: RunResult | undefined) => void;
}

const pending = (p: SweepPoint): SweepRun => ({
  index: p.index,
  params: p.params,
  status: 'stopped',
  steps: 0,
  finalLoss: null,
  minLoss: null,
  divergedAtStep: null,
  testLoss: null,
  accuracy: null,
  testAccuracy: null,
  seconds: null,
});

/**
 * A run's relative cost: steps × rows per step × weights. Only the ordering matters, and within one
 * sweep the data (and so the input width) is shared, so the first layer's fan-in is left out.
 */
export function runCost(e: SweepPoint['experiment']): number {
  let weights = 0;
  for (let l = 0; l < e.layers.length; l++) weights += e.layers[l]!.units * (l > 0 ? e.layers[l - 1]!.units : 1);
  const rows = e.batchSize ?? ('samples' in e.data && typeof e.data.samples === 'number' ? e.data.samples : 1);
  return e.steps * rows * weights;
}

interface Slot {
  handle: SweepWorkerHandle | null;
  /** Position in `points` of the run this worker is on, or -1 when idle. */
  job: number;
  /** Position of the run sent ahead to wait in the worker's queue behind `job`, or -1. */
  queued: number;
  step: number;
  steps: number;
  retired: boolean;
}

export function runSweep(points: readonly SweepPoint[], options: SweepRunOptions): Promise<SweepResults> {
  const started = now();
  const poolSize = Math.max(1, Math.min(Math.floor(options.workers), points.length));
  const runs: SweepRun[] = points.map(pending);
  // Dispatch order: costliest first (a stable sort keeps grid order among equals).
  const order = points.map((p, i) => ({ i, cost: runCost(p.experiment) })).sort((a, b) => b.cost - a.cost).map((o) => o.i);
  const ended = new Array<boolean>(points.length).fill(false);
  let next = 0;
  // Runs a crashed worker had queued but not started: dispatched again before the rest.
  const requeued: number[] = [];
  const remaining = () => requeued.length + points.length - next;
  const take = () => requeued.shift() ?? order[next++]!;
  let finished = 0;
  let failed = 0;
  let diverged = 0;
  let settled = false;
  const slots: Slot[] = [];

  return new Promise<SweepResults>((resolve) => {
    const report = () => {
      if (!options.onProgress) return;
      const running = slots.filter((s) => s.job >= 0).map((s) => ({ index: points[s.job]!.index, step: s.step, steps: s.steps }));
      const partial = running.reduce((a, r) => a + (r.steps > 0 ? Math.min(1, r.step / r.steps) : 0), 0);
      options.onProgress({ total: points.length, finished, failed, diverged, running, fraction: points.length ? (finished + partial) / points.length : 1 });
    };

    const finish = () => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', stop);
      for (const s of slots) retire(s);
      resolve({ version: 1, runs, timing: { seconds: (now() - started) / 1000, workers: poolSize } });
    };

    const end = (job: number, run: SweepRun, result?: RunResult) => {
      if (ended[job]) return;
      ended[job] = true;
      runs[job] = run;
      finished++;
      if (run.status === 'failed') failed++;
      if (run.status === 'diverged') diverged++;
      options.onRun?.(run, result);
    };

    const retire = (slot: Slot, healthy = false) => {
      if (slot.retired) return;
      slot.retired = true;
      try {
        if (healthy && slot.handle?.release) slot.handle.release();
        else slot.handle?.terminate();
      } catch {
        // Already gone: nothing to end.
      }
    };

    const send = (slot: Slot, job: number): boolean => {
      try {
        slot.handle!.post({
          type: 'run',
          index: points[job]!.index,
          experiment: points[job]!.experiment,
          keepResult: Boolean(options.keepResults),
          ...(options.keepHistory === false ? { keepHistory: false } : {}),
        });
        return true;
      } catch (e) {
        crashed(slot, `could not send the run to a worker: ${(e as Error).message}`);
        return false;
      }
    };

    /**
     * Gives an idle worker its next run (the one it had queued, else a new one) and, while more runs
     * wait than there are workers, sends the one after too: a worker then starts its next run as it
     * ends one instead of waiting for the pool's answer (the pool's thread may be busy training). Near
     * the end nothing is queued ahead, so the last runs go to whichever worker is free first.
     */
    const dispatch = (slot: Slot) => {
      if (settled || slot.retired) return;
      if (slot.job < 0) {
        if (slot.queued >= 0) {
          slot.job = slot.queued;
          slot.queued = -1;
        } else if (remaining() > 0) {
          slot.job = take();
          if (!send(slot, slot.job)) return;
        } else {
          retire(slot, true);
          if (finished === points.length) finish();
          return;
        }
        slot.step = 0;
        slot.steps = points[slot.job]!.experiment.steps;
      }
      if (slot.queued < 0 && remaining() > poolSize) {
        slot.queued = take();
        send(slot, slot.queued);
      }
    };

    const crashed = (slot: Slot, error: string) => {
      if (slot.retired || settled) return;
      retire(slot);
      const job = slot.job;
      slot.job = -1;
      // Only the run it was on fails; one it had queued goes to the next free worker.
      if (slot.queued >= 0) requeued.push(slot.queued);
      slot.queued = -1;
      if (job >= 0) end(job, { ...pending(points[job]!), status: 'failed', steps: slot.step, error: `worker crashed: ${error}` });
      report();
      if (remaining() > 0) spawn(slots.indexOf(slot));
      else if (finished === points.length) finish();
    };

    const onMessage = (slot: Slot, raw: unknown) => {
      if (slot.retired || settled) return;
      const parsed = SweepWorkerMessageSchema.safeParse(raw);
      if (!parsed.success) return crashed(slot, `sent an invalid message (${parsed.error.issues[0]?.message ?? 'unreadable'})`);
      const msg = parsed.data;
      const job = slot.job;
      if (job < 0 || msg.index !== points[job]!.index) return crashed(slot, `reported on run ${msg.index}, which it was not running`);
      if (msg.type === 'progress') {
        slot.step = msg.step;
        slot.steps = msg.steps;
        report();
        return;
      }
      slot.job = -1;
      if (msg.type === 'failed') end(job, { ...pending(points[job]!), status: 'failed', steps: slot.step, error: msg.error });
      else end(job, { index: points[job]!.index, params: points[job]!.params, ...msg.run }, msg.result);
      report();
      dispatch(slot);
    };

    const spawn = (at: number) => {
      const slot: Slot = { handle: null, job: -1, queued: -1, step: 0, steps: 0, retired: false };
      if (at >= 0) slots[at] = slot;
      else slots.push(slot);
      try {
        slot.handle = options.createWorker({ message: (m) => onMessage(slot, m), crash: (e) => crashed(slot, e) });
      } catch (e) {
        // A worker that cannot even start fails the run it would have taken, as a crash does.
        slot.job = remaining() > 0 ? take() : -1;
        crashed(slot, `could not start: ${(e as Error).message}`);
        return;
      }
      dispatch(slot);
    };

    function stop() {
      if (settled) return;
      for (const s of slots) {
        if (s.job >= 0) runs[s.job] = { ...pending(points[s.job]!), steps: s.step };
      }
      finish();
    }

    if (options.signal?.aborted) return stop();
    options.signal?.addEventListener('abort', stop);
    if (points.length === 0) return finish();
    for (let i = 0; i < poolSize; i++) spawn(-1);
    report();
  });
}
