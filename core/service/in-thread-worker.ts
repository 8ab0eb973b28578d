/**
 * A sweep worker that is the pool's own thread: it runs jobs in short slices between the thread's
 * other events, so the thread that waits on the pool's messages does a core's share of the runs
 * instead of idling. It starts at once (no thread to boot, the core and its kernels already loaded
 * here), which is most of what a small sweep's second worker thread used to cost (node/sweep-pool.ts).
 *
 * Each slice is short (`sliceMs`): the pool's messages from real workers, a progress bar and a stop
 * request wait at most that long. Its jobs are never copied (the pool's experiment objects are
 * read, not changed: startSweepJob parses them into fresh ones).
 */
import type { SweepJob } from '../contract/sweep';
import { startSweepJob, type SweepJobRun } from './sweep-job';
import type { SweepWorkerFactory } from './sweep-runner';

type Later = (f: () => void) => void;
const g = globalThis as unknown as { setImmediate?: (f: () => void) => unknown; setTimeout(f: () => void, ms: number): unknown };
/** Node's setImmediate runs after pending I/O (worker messages) without setTimeout's 1 ms floor. */
const later: Later = g.setImmediate ? (f) => void g.setImmediate!(f) : (f) => void g.setTimeout(f, 0);

export function inThreadSweepWorker(options: { sliceMs?: number } = {}): SweepWorkerFactory {
  const sliceMs = options.sliceMs ?? 4;
  return (events) => {
    const queue: SweepJob[] = [];
    let current: SweepJobRun | null = null;
    let scheduled = false;
    let ended = false;

    const pump = () => {
      scheduled = false;
      if (ended) return;
      try {
        current ??= startSweepJob(queue.shift(), (m) => !ended && events.message(m));
        if (current.advance(sliceMs)) current = null;
      } catch (e) {
        // startSweepJob and advance report their own failures; anything else is this worker's crash.
        ended = true;
        events.crash((e as Error).message || String(e));
        return;
      }
      if (!ended && (current || queue.length)) schedule();
    };
    const schedule = () => {
      if (scheduled) return;
      scheduled = true;
      later(pump);
    };

    return {
      post: (job) => {
        if (ended) return;
        queue.push(job);
        schedule();
      },
      terminate: () => {
        ended = true;
        queue.length = 0;
        current = null;
      },
    };
  };
}
