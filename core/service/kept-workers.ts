/**
 * Sweep workers kept between sweeps: a worker the pool releases after its last run waits, idle, for
 * the next sweep instead of ending, so a second sweep (or the next paired-seed comparison) skips
 * starting workers, loading the core and warming the kernels. A worker that crashed or was stopped
 * is never kept; an idle one ends after `idleMs`.
 *
 * For pools of threads (the browser's Web Workers). Not for processes counted against a cap that
 * trainers share (Electron's utility processes): an idle sweep worker would hold a trainer's place.
 */
import type { SweepWorkerEvents, SweepWorkerFactory, SweepWorkerHandle } from './sweep-runner';

type Timer = unknown;
const timers = globalThis as unknown as { setTimeout(f: () => void, ms: number): Timer; clearTimeout(t: Timer): void };

interface Kept {
  handle: SweepWorkerHandle;
  /** Who hears this worker now; null while it waits (a crash then just drops it). */
  events: SweepWorkerEvents | null;
  timer: Timer | null;
}

export interface KeptWorkers {
  createWorker: SweepWorkerFactory;
  /** Workers waiting for a sweep now. */
  readonly idle: number;
  /** Ends every waiting worker. */
  clear(): void;
}

export function keepWorkers(factory: SweepWorkerFactory, options: { max: number; idleMs?: number }): KeptWorkers {
  const idleMs = options.idleMs ?? 60_000;
  const waiting: Kept[] = [];

  const drop = (k: Kept) => {
    const i = waiting.indexOf(k);
    if (i >= 0) waiting.splice(i, 1);
    if (k.timer !== null) timers.clearTimeout(k.timer);
    k.timer = null;
  };
  const end = (k: Kept) => {
    drop(k);
    k.events = null;
    try {
      k.handle.terminate();
    } catch {
      // Already gone.
    }
  };

  const createWorker: SweepWorkerFactory = (events) => {
    let k = waiting.pop();
    if (k) {
      drop(k);
      k.events = events;
    } else {
      const fresh: Kept = { handle: null as unknown as SweepWorkerHandle, events, timer: null };
      fresh.handle = factory({
        message: (m) => fresh.events?.message(m),
        crash: (e) => (fresh.events ? fresh.events.crash(e) : end(fresh)),
      });
      k = fresh;
    }
    const kept = k;
    return {
      post: (job) => kept.handle.post(job),
      terminate: () => end(kept),
      release: () => {
        kept.events = null;
        if (waiting.length >= options.max) return end(kept);
        waiting.push(kept);
        kept.timer = timers.setTimeout(() => end(kept), idleMs);
      },
    };
  };

  return {
    createWorker,
    get idle() {
      return waiting.length;
    },
    clear: () => [...waiting].forEach(end),
  };
}
