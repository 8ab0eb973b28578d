/** Browser host: one Web Worker per run, each running the shared trainer loop. */
import { keepWorkers } from '../../../core/service/kept-workers';
import { portChannel } from './channel';
import { webSweepWorkerCount, webSweepWorkerFactory } from './sweep-pool';
import type { TrainerHost } from './types';

export function webHost(): TrainerHost {
  const workers = webSweepWorkerCount();
  return {
    kind: 'web',
    // Workers stay a minute after a sweep, warm, for the next one (Compare's paired seeds run one per comparison).
    sweepPool: { createWorker: keepWorkers(webSweepWorkerFactory(), { max: workers }).createWorker, workers },
    openRun(onMessage) {
      const worker = new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module', name: 'nnlab-trainer' });
      worker.addEventListener('error', (e) => onMessage({ type: 'error', message: `the trainer stopped: ${e.message || 'worker error'}`, inReplyTo: 'start' }));
      return portChannel(worker, onMessage, () => worker.terminate());
    },
  };
}
