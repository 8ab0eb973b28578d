/**
 * The few timers every JavaScript host has (Node, Electron's utility process, a Web Worker). core/
 * compiles without DOM or Node types, so the service reaches them through this one typed view of
 * globalThis instead of depending on either platform's declarations.
 */
interface HostGlobals {
  setTimeout(fn: () => void, ms: number): unknown;
  performance: { now(): number };
  setImmediate?: (fn: () => void) => unknown;
  MessageChannel?: new () => { port1: { onmessage: ((e: unknown) => void) | null }; port2: { postMessage(v: unknown): void } };
}

export const host = globalThis as unknown as HostGlobals;
