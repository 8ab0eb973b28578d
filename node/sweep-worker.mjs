// Boots a sweep worker thread: the workers run TypeScript shared with the app, which tsx loads
// here (a worker does not inherit its parent's loader). `workerData.entry` lets tests swap in a
// worker that misbehaves on purpose.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData?.entry ?? new URL('./sweep-worker.ts', import.meta.url).href);
