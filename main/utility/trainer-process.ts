/**
 * Entry point of the Electron utility process that trains one run (forked by main, see trainer-host).
 * Only the port plumbing is Electron-specific; the behaviour is trainer-runtime.ts.
 */
import type { MessagePortMain } from 'electron';
import { runTrainerRuntime, type UiPort } from '../../core/service/trainer-runtime';
import { leaseKernelThreads } from '../../node/kernel-threads';

function uiPort(p: MessagePortMain): UiPort {
  return {
    post: (m) => p.postMessage(m),
    onMessage: (listener) => {
      p.on('message', (e) => listener(e.data));
      // MessagePortMain queues until started; start only once the listener is in place.
      p.start();
    },
    onClose: (listener) => void p.on('close', listener),
    close: () => p.close(),
  };
}

const parent = process.parentPort;
runTrainerRuntime(
  {
    post: (m) => parent.postMessage(m),
    onMessage: (listener) => parent.on('message', (e) => listener(e.data, e.ports.map(uiPort))),
    exit: () => process.exit(0),
  },
  // A run big enough to gain trains on a second kernel thread, as `nnlab train` does.
  { backendFor: leaseKernelThreads },
);
