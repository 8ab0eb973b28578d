/**
 * Electron host: main hands out a trainer port per run through the preload (`window.nnlab`); the port
 * itself arrives as a window message because ports cannot cross contextBridge. Commands sent before the
 * port arrives (a queued run) are held and flushed in order.
 *
 * Sweeps run on the same utility processes (role "sweep"): the renderer's CSP allows no WASM
 * compilation, so its own Web Workers could not train. Each pool worker is a port to such a process;
 * the process dying, or main closing it, is the pool's `crash` (that one run fails, the pool goes on).
 */
import { TRAINER_PORT_MESSAGE, type NnlabApi, type RunId, type RunRole } from '../../../core/contract/api';
import type { SweepWorkerFactory } from '../../../core/service/sweep-runner';
import { portChannel, type PortLike } from './channel';
import { webSweepWorkerCount } from './sweep-pool';
import type { FromTrainer, RunChannel, TrainerHost } from './types';

/** A port to a process main forked; messages posted before it arrives are queued. */
interface ProcessLink {
  post(message: unknown): void;
  close(): void;
}

export function electronHost(api: NnlabApi, win: Window = window): TrainerHost {
  const waiting = new Map<RunId, (port: MessagePort) => void>();
  const failures = new Map<RunId, (reason: string) => void>();

  win.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as { type?: unknown; runId?: unknown } | null;
    if (e.source !== win || !data || data.type !== TRAINER_PORT_MESSAGE || typeof data.runId !== 'string') return;
    const port = e.ports[0];
    if (port) waiting.get(data.runId)?.(port);
    waiting.delete(data.runId);
  });
  api.onRunEvent((ev) => {
    if (ev.kind === 'failed') failures.get(ev.runId)?.(`the ${roleOf(ev.runId)} process ended: ${ev.reason}`);
    if (ev.kind === 'closed' && ev.reason !== 'closed') failures.get(ev.runId)?.(`the ${roleOf(ev.runId)} was closed (${ev.reason})`);
  });
  const roles = new Map<RunId, RunRole>();
  const roleOf = (id: RunId) => (roles.get(id) === 'sweep' ? 'sweep worker' : 'trainer');

  /** Asks main for a process; `onGone` once if it dies, `onRefused` if main would not open one; neither after `close()`. */
  function link(role: RunRole, onMessage: (e: MessageEvent) => void, onGone: (reason: string) => void, onRefused: (reason: string) => void): ProcessLink {
    const queue: unknown[] = [];
    let runId: RunId | null = null;
    let closed = false;
    let port: MessagePort | null = null;
    void (role === 'trainer' ? api.openRun() : api.openRun({ role })).then(
      ({ runId: id }) => {
        runId = id;
        if (closed) return void api.closeRun(id);
        roles.set(id, role);
        failures.set(id, (reason) => {
          failures.delete(id);
          onGone(reason);
        });
        waiting.set(id, (p) => {
          port = p;
          p.onmessage = onMessage;
          for (const m of queue.splice(0)) p.postMessage(m);
        });
      },
      (e: unknown) => {
        if (!closed) onRefused(`could not open a ${role === 'sweep' ? 'sweep worker' : 'trainer'}: ${(e as Error).message}`);
      },
    );
    return {
      post: (m) => (port ? port.postMessage(m) : queue.push(m)),
      close() {
        if (closed) return;
        closed = true;
        port?.close();
        if (runId) {
          failures.delete(runId);
          waiting.delete(runId);
          roles.delete(runId);
          void api.closeRun(runId);
        }
      },
    };
  }

  const createSweepWorker: SweepWorkerFactory = (events) => {
    const l = link('sweep', (e) => events.message(e.data), events.crash, events.crash);
    return { post: (job) => l.post(job), terminate: () => l.close() };
  };

  return {
    kind: 'electron',
    desktop: api,
    // Main caps processes at one per core, trainers included; past that a worker waits its turn.
    sweepPool: { createWorker: createSweepWorker, workers: webSweepWorkerCount() },
    openRun(onMessage: (msg: FromTrainer) => void, onFailed?: (reason: string) => void): RunChannel {
      const listeners = new Set<(e: MessageEvent) => void>();
      const startError = (message: string) => onMessage({ type: 'error', message, inReplyTo: 'start' });
      const l = link('trainer', (e) => listeners.forEach((f) => f(e)), onFailed ?? startError, startError);
      const adapter: PortLike = {
        postMessage: (m) => l.post(m),
        addEventListener: (_t, f) => listeners.add(f),
        removeEventListener: (_t, f) => listeners.delete(f),
      };
      return portChannel(adapter, onMessage, () => l.close());
    },
  };
}
