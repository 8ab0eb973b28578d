/**
 * What a trainer process does, apart from how it talks: wait for main to attach the UI port, then
 * serve the trainer protocol on it. The Electron utility process (trainer-process.ts, on
 * `process.parentPort`) and the Node tests (on a worker thread's `parentPort`) run this same code.
 */
import { ControlToTrainerSchema, type ControlFromTrainer } from '../contract/control-protocol';
import { issuesOf, summarize, type FromTrainer } from '../contract/protocol';
import type { SweepWorkerMessage } from '../contract/sweep';
import { runSweepJob } from './sweep-job';
import { TrainerService, type TrainerServiceOptions } from './trainer-service';
import { host } from './host';

/** The trainer's end of the UI channel. */
export interface UiPort {
  post(message: FromTrainer | SweepWorkerMessage): void;
  /** Registers the one listener and starts delivery. */
  onMessage(listener: (data: unknown) => void): void;
  /** The UI's end went away (its page navigated, reloaded or crashed). */
  onClose(listener: () => void): void;
  close(): void;
}

/** The trainer's link to main. */
const PROGRESS_MIRROR_MS = 1000;

export interface ControlPort {
  post(message: ControlFromTrainer): void;
  onMessage(listener: (data: unknown, ports: UiPort[]) => void): void;
  /** Ends this trainer process (Electron: process.exit; tests: the worker thread). */
  exit(): void;
}

/** What the host adds to the runtime (Node hosts: kernel threads for big runs, node/kernel-threads.ts). */
export interface TrainerRuntimeOptions {
  backendFor?: TrainerServiceOptions['backendFor'];
}

export function runTrainerRuntime(control: ControlPort, options: TrainerRuntimeOptions = {}): void {
  let port: UiPort | null = null;
  let service: TrainerService | null = null;
  control.onMessage((data, ports) => {
    const parsed = ControlToTrainerSchema.safeParse(data);
    if (!parsed.success) {
      control.post({ type: 'error', message: `invalid control message: ${summarize(issuesOf(parsed.error))}` });
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'shutdown') {
      service?.dispose();
      port?.close();
      service = null;
      port = null;
      return;
    }
    if (port || ports.length !== 1) {
      control.post({ type: 'error', message: port ? 'attach: this trainer already serves a run' : `attach: expected 1 port, got ${ports.length}` });
      return;
    }
    const ui = ports[0]!;
    const runId = msg.runId;
    if (msg.role === 'sweep') {
      port = ui;
      // A sweep worker: each job is one whole run, trained and answered before the next is read, so a
      // job never waits on another's progress messages. Its page gone, nobody wants the results.
      ui.onClose(() => control.exit());
      ui.onMessage((d) => runSweepJob(d, (m) => ui.post(m)));
      return;
    }
    let mirrored = -Infinity;
    const svc = new TrainerService({
      post: (m) => {
        ui.post(m);
        if (m.type === 'progress' && host.performance.now() - mirrored >= PROGRESS_MIRROR_MS) {
          mirrored = host.performance.now();
          control.post({ type: 'progress', runId, step: m.step });
        }
      },
      onStatus: (s) => control.post({ type: 'status', runId, phase: s.phase, step: s.step }),
      backendFor: options.backendFor,
    });
    port = ui;
    service = svc;
    // A trainer serves one page; with the page gone nobody reads its results, so it stops and exits
    // (main also closes the page's runs, but a trainer must not depend on that to stop computing).
    ui.onClose(() => {
      svc.dispose();
      control.exit();
    });
    ui.onMessage((d) => svc.handle(d));
  });
}
