/** A worker that reports whether the kernels it would instantiate are the very module the pool sent it. */
import { parentPort, workerData } from 'node:worker_threads';
import { adoptCompiledKernels, compiledKernels } from '../../core/wasm/backend';

const sent = ((workerData as { kernels?: { module: unknown }[] }).kernels ?? []).map((k) => k.module);
adoptCompiledKernels((workerData as { kernels?: unknown }).kernels);
const { module } = compiledKernels(true);
parentPort!.postMessage({ sent: sent.length, adopted: sent.includes(module) });
