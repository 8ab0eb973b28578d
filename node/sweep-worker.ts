/** A sweep worker thread: jobs in, run reports out (core/service/sweep-job.ts does the work). */
import { parentPort } from 'node:worker_threads';
import { runSweepJob } from '../core/service/sweep-job';

const port = parentPort!;
port.on('message', (job: unknown) => runSweepJob(job, (msg) => port.postMessage(msg)));
