/** A sweep worker thread: jobs in, run reports out (core/service/sweep-job.ts does the work). */
import { parentPort, workerData } from 'node:worker_threads';
import { runSweepJob } from '../core/service/sweep-job';
import { adoptCompiledKernels } from '../core/wasm/backend';
import { enableWideKernels } from './wide-kernels';

// The same kernels as the thread that started the pool (its V8 flag is the process's already).
enableWideKernels();

// The pool compiled the kernels once and sent them along: this thread instantiates them without compiling.
adoptCompiledKernels((workerData as { kernels?: unknown } | null)?.kernels);
const port = parentPort!;
port.on('message', (job: unknown) => runSweepJob(job, (msg) => port.postMessage(msg)));
