/**
 * A sweep worker that misbehaves on cue, to prove one crash fails one run: seed 13 exits the
 * thread mid-run, seed 14 throws out of the message handler; every other seed trains normally.
 */
import { parentPort } from 'node:worker_threads';
import { runSweepJob } from '../../core/service/sweep-job';

const port = parentPort!;
port.on('message', (job: { experiment: { seed: number } }) => {
  if (job.experiment.seed === 13) process.exit(3);
  if (job.experiment.seed === 14) throw new Error('injected failure in the worker');
  runSweepJob(job, (msg) => port.postMessage(msg));
});
