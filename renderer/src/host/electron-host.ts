/**
 * Electron host: main hands out a trainer port per run through the preload (`window.nnlab`); the port
 * itself arrives as a window message because ports cannot cross contextBridge. Commands sent before the
 * port arrives (a queued run) are held and flushed in order.
 */
import { TRAINER_PORT_MESSAGE, type NnlabApi, type RunId } from '../../../core/contract/api';
import { portChannel, type PortLike } from './channel';
import type { FromTrainer, RunChannel, TrainerHost } from './types';

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
    if (ev.kind === 'failed') failures.get(ev.runId)?.(`the trainer process ended: ${ev.reason}`);
    if (ev.kind === 'closed' && ev.reason !== 'closed') failures.get(ev.runId)?.(`the trainer was closed (${ev.reason})`);
  });

  return {
    kind: 'electron',
    desktop: api,
    openRun(onMessage: (msg: FromTrainer) => void, onFailed?: (reason: string) => void): RunChannel {
      const queue: unknown[] = [];
      let runId: RunId | null = null;
      let closed = false;
      const listeners = new Set<(e: MessageEvent) => void>();
      let port: MessagePort | null = null;

      const adapter: PortLike = {
        postMessage: (m) => (port ? port.postMessage(m) : queue.push(m)),
        addEventListener: (_t, l) => listeners.add(l),
        removeEventListener: (_t, l) => listeners.delete(l),
      };
      const channel = portChannel(adapter, onMessage, () => {
        closed = true;
        port?.close();
        if (runId) {
          failures.delete(runId);
          void api.closeRun(runId);
        }
      });

      void api.openRun().then(
        ({ runId: id }) => {
          runId = id;
          if (closed) return void api.closeRun(id);
          failures.set(id, (reason) => {
            failures.delete(id);
            if (onFailed) onFailed(reason);
            else onMessage({ type: 'error', message: reason, inReplyTo: 'start' });
          });
          waiting.set(id, (p) => {
            port = p;
            p.onmessage = (e) => listeners.forEach((l) => l(e));
            for (const m of queue.splice(0)) p.postMessage(m);
          });
        },
        (e: unknown) => onMessage({ type: 'error', message: `could not open a trainer: ${(e as Error).message}`, inReplyTo: 'start' }),
      );
      return channel;
    },
  };
}
