/**
 * Milliseconds from a monotonic clock: `performance.now()` exists in Node, workers and browsers
 * alike, but the core's ES-only lib does not declare it.
 */
const perf = (globalThis as { performance?: { now(): number } }).performance;
export const now: () => number = perf ? () => perf.now() : () => Date.now();
