/** A sweep worker thread: jobs in, run reports out (core/service/sweep-job.ts does the work). */
import { parentPort, workerData } from 'node:worker_threads';
import { runSweepJob } from '../core/service/sweep-job';
import { adoptCompiledKernels, wideKernels } from '../core/wasm/backend';

const data = workerData as { kernels?: unknown; wide?: boolean } | null;
// The same tiles as the thread that started the pool (which turned the revectorizer on, or not).
wideKernels(data?.wide === true);

// The pool compiled the kernels once and sent them along: this thread instantiates them without compiling.
adoptCompiledKernels(data?.kernels);
const port = parentPort!;
port.on('message', (job: unknown) => runSweepJob(job, (msg) => port.postMessage(msg)));
