/**
 * A run channel over any message port (a Worker, an Electron MessagePort): validates every message
 * from the trainer with the protocol's schemas and matches `predict` requests to their answers.
 */
import { parseFromTrainer, type FromTrainer, type ToTrainer } from '../../../core/contract/protocol';
import type { RunChannel } from './types';

export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
}

export function portChannel(port: PortLike, onMessage: (msg: FromTrainer) => void, close: () => void): RunChannel {
  let nextId = 1;
  const pending = new Map<number, { resolve: (o: number[][]) => void; reject: (e: Error) => void }>();
  const listener = (e: MessageEvent) => {
    const parsed = parseFromTrainer(e.data);
    if (!parsed.ok) {
      // A malformed message is reported like a trainer error rather than thrown into the UI.
      onMessage(parsed.error);
      return;
    }
    const msg = parsed.message;
    if (msg.type === 'prediction') {
      pending.get(msg.id)?.resolve(msg.outputs);
      pending.delete(msg.id);
      return;
    }
    if (msg.type === 'error' && msg.inReplyTo === 'predict' && msg.id !== undefined && pending.has(msg.id)) {
      pending.get(msg.id)!.reject(new Error(msg.message));
      pending.delete(msg.id);
      return;
    }
    onMessage(msg);
  };
  port.addEventListener('message', listener);
  return {
    send: (msg: ToTrainer) => port.postMessage(msg),
    predict(points) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        port.postMessage({ type: 'predict', id, points });
      });
    },
    close() {
      port.removeEventListener('message', listener);
      for (const p of pending.values()) p.reject(new Error('run closed'));
      pending.clear();
      close();
    },
  };
}
