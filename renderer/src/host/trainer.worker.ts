/**
 * The browser's trainer: the same TrainerService loop the Electron utility process runs, with the
 * worker's global scope as its port. Transferring the loss buffers and grids keeps copies off the UI thread.
 */
import { TrainerService } from '../../../core/service/trainer-service';
import type { FromTrainer } from '../../../core/contract/protocol';

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;

function transferables(msg: FromTrainer): Transferable[] {
  if (msg.type === 'progress') return [msg.losses.buffer as ArrayBuffer];
  if (msg.type === 'snapshot' && msg.grid) return [msg.grid.values.buffer as ArrayBuffer, msg.grid.argmax.buffer as ArrayBuffer];
  if (msg.type === 'network' && msg.activations) return msg.activations.layers.map((l) => l.buffer as ArrayBuffer);
  return [];
}

const service = new TrainerService({
  post: (msg) => {
    try {
      scope.postMessage(msg, transferables(msg));
    } catch {
      // A buffer the service still owns cannot be transferred; copy instead.
      scope.postMessage(msg);
    }
  },
});

scope.onmessage = (e) => service.handle(e.data);
