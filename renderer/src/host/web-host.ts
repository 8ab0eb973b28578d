/** Browser host: one Web Worker per run, each running the shared trainer loop. */
import { portChannel } from './channel';
import { webSweepWorkerCount, webSweepWorkerFactory } from './sweep-pool';
import type { TrainerHost } from './types';

export function webHost(): TrainerHost {
  return {
    kind: 'web',
    sweepPool: { createWorker: webSweepWorkerFactory(), workers: webSweepWorkerCount() },
    openRun(onMessage) {
      const worker = new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module', name: 'nnlab-trainer' });
      worker.addEventListener('error', (e) => onMessage({ type: 'error', message: `the trainer stopped: ${e.message || 'worker error'}`, inReplyTo: 'start' }));
      return portChannel(worker, onMessage, () => worker.terminate());
    },
  };
}
