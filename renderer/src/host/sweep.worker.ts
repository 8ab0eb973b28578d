/** A sweep pool worker in the browser: takes runs one after another, each trained as `nnlab train` does. */
import { runSweepJob } from '../../../core/service/sweep-job';

interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (e) => runSweepJob(e.data, (msg) => scope.postMessage(msg));
