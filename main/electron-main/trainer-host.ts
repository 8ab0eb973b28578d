/**
 * Runs, their trainer processes and the queue, in the main process. Each run gets a fresh trainer
 * process and a port pair: one end goes to the trainer, the other to the UI, so training traffic never
 * passes through main. At most `maxProcesses` live at once (one per core); more runs wait in order.
 *
 * A process whose run has ended (completed, diverged, stopped) stays until the UI closes the run or a
 * queued run needs its slot. A process that exits while its run is live is a failure: the UI is told
 * why, so it marks the run failed and keeps the data it has; the next run gets a new process anyway.
 *
 * A sweep worker is a run too (role "sweep"): the same process serving the pool's jobs instead of one
 * run's protocol. It counts against the same one-per-core limit and queues the same way, so a sweep
 * and single runs share the cores; it never reaches a final phase, so it lives until the UI closes it,
 * and its process dying is a failure like a trainer's (the pool fails the one run it held).
 *
 * Everything platform-specific is behind `HostDeps` (Electron: utilityProcess + MessageChannelMain;
 * tests: worker threads + MessageChannel).
 */
import { ControlFromTrainerSchema, type ControlToTrainer, type ProcessRole } from '../../core/contract/control-protocol';
import type { RunEvent, RunId } from '../../core/contract/api';
import { isFinalPhase, type TrainerPhase } from '../../core/contract/protocol';

export interface TrainerChild<P> {
  /** Sends a control message, with the trainer's end of the UI channel for `attach`. */
  send(message: ControlToTrainer, port?: P): void;
  onMessage(listener: (data: unknown) => void): void;
  /** `code` is null when the process was killed by a signal. */
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export interface HostDeps<P, O> {
  spawn(runId: RunId): TrainerChild<P>;
  createChannel(): { ui: P; trainer: P };
  /** Hands the UI its end of the channel (Electron: webContents.postMessage with the port). */
  deliverPort(owner: O, runId: RunId, port: P): void;
  notify(owner: O, event: RunEvent): void;
  maxProcesses: number;
  /** How long an ended run keeps its process before a queued run may take it (its last messages are in flight). */
  reclaimAfterMs?: number;
  /** Wait this long after an exit for the platform's crash report (Electron's child-process-gone) before telling the UI. */
  exitGraceMs?: number;
  log?(line: string): void;
}

/** queued → live ⇄ ended (final phase; reclaimable) → closed, or live → failed when the process dies. */
type RunState = 'queued' | 'live' | 'ended' | 'failed' | 'closed';

interface Run<P, O> {
  id: RunId;
  owner: O;
  role: ProcessRole;
  state: RunState;
  phase: TrainerPhase;
  step: number;
  child: TrainerChild<P> | null;
  endedAt: number;
  goneReason: string | null;
}

export class TrainerHost<P, O> {
  private readonly runs = new Map<RunId, Run<P, O>>();
  private readonly queue: Run<P, O>[] = [];
  private nextId = 1;
  private pumpTimer: ReturnType<typeof setTimeout> | null = null;
  private spawned = 0;

  constructor(private readonly deps: HostDeps<P, O>) {}

  /** Processes started so far (each run gets a fresh one). */
  get processesSpawned(): number {
    return this.spawned;
  }

  get liveProcesses(): number {
    let n = 0;
    for (const r of this.runs.values()) if (r.child) n++;
    return n;
  }

  stateOf(runId: RunId): { state: RunState; phase: TrainerPhase; step: number } | null {
    const r = this.runs.get(runId);
    return r ? { state: r.state, phase: r.phase, step: r.step } : null;
  }

  /** A new run (or sweep worker) for `owner`; it starts now if a slot is free, else queues. */
  open(owner: O, role: ProcessRole = 'trainer'): RunId {
    const id = `${role === 'sweep' ? 'sweep' : 'run'}-${Date.now().toString(36)}-${(this.nextId++).toString(36)}`;
    const run: Run<P, O> = { id, owner, role, state: 'queued', phase: 'idle', step: 0, child: null, endedAt: 0, goneReason: null };
    this.runs.set(id, run);
    this.queue.push(run);
    this.pump();
    if (run.state === 'queued') this.notifyQueue();
    return id;
  }

  /** The UI is done with a run (or it was never started): end its process, free the slot. */
  close(runId: RunId, reason: 'closed' | 'shutdown' = 'closed'): void {
    const run = this.runs.get(runId);
    if (!run) return;
    const qi = this.queue.indexOf(run);
    if (qi >= 0) {
      this.queue.splice(qi, 1);
      this.notifyQueue();
    }
    this.endProcess(run, reason);
    this.pump();
  }

  /** Every run of a window that went away. */
  closeOwner(owner: O): void {
    for (const run of [...this.runs.values()]) if (run.owner === owner) this.close(run.id, 'shutdown');
  }

  shutdown(): void {
    for (const run of [...this.runs.values()]) this.close(run.id, 'shutdown');
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
  }

  /** The platform's own word on why a trainer process went away (Electron's child-process-gone). */
  processGone(runId: RunId, reason: string): void {
    const run = this.runs.get(runId);
    if (run && !run.goneReason) run.goneReason = reason;
  }

  private free(): number {
    return this.deps.maxProcesses - this.liveProcesses;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      if (this.free() <= 0 && !this.reclaimOne()) break;
      this.start(this.queue.shift()!);
      this.notifyQueue();
    }
  }

  /** Frees the slot of the run that ended longest ago, if its grace time has passed; else retries later. */
  private reclaimOne(): boolean {
    const grace = this.deps.reclaimAfterMs ?? 1000;
    const now = Date.now();
    let oldest: Run<P, O> | null = null;
    for (const r of this.runs.values()) if (r.state === 'ended' && r.child && (!oldest || r.endedAt < oldest.endedAt)) oldest = r;
    if (!oldest) return false;
    const wait = oldest.endedAt + grace - now;
    if (wait > 0) {
      if (!this.pumpTimer) {
        this.pumpTimer = setTimeout(() => {
          this.pumpTimer = null;
          this.pump();
        }, wait);
      }
      return false;
    }
    this.endProcess(oldest, 'reclaimed');
    return true;
  }

  private start(run: Run<P, O>): void {
    const child = this.deps.spawn(run.id);
    this.spawned++;
    run.child = child;
    run.state = 'live';
    child.onMessage((data) => this.fromChild(run, child, data));
    child.onExit((code) => this.exited(run, child, code));
    const { ui, trainer } = this.deps.createChannel();
    child.send(run.role === 'sweep' ? { type: 'attach', runId: run.id, role: 'sweep' } : { type: 'attach', runId: run.id }, trainer);
    this.deps.notify(run.owner, { runId: run.id, kind: 'started' });
    this.deps.deliverPort(run.owner, run.id, ui);
  }

  private fromChild(run: Run<P, O>, child: TrainerChild<P>, data: unknown): void {
    if (run.child !== child) return;
    const parsed = ControlFromTrainerSchema.safeParse(data);
    if (!parsed.success) {
      this.deps.log?.(`trainer ${run.id}: ignored an invalid control message`);
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'error') {
      this.deps.log?.(`trainer ${run.id}: ${msg.message}`);
      return;
    }
    if (msg.runId !== run.id) return;
    if (msg.type === 'progress') {
      run.step = msg.step;
      return;
    }
    run.phase = msg.phase;
    run.step = msg.step;
    if (isFinalPhase(msg.phase)) {
      if (run.state === 'live') {
        run.state = 'ended';
        run.endedAt = Date.now();
        if (this.queue.length > 0) this.pump();
      }
    } else if (run.state === 'ended') run.state = 'live';
  }

  private exited(run: Run<P, O>, child: TrainerChild<P>, code: number | null): void {
    if (run.child !== child) return;
    run.child = null;
    if (run.state === 'live') {
      run.state = 'failed';
      const report = () => {
        const why = run.goneReason ?? (code === null ? 'killed' : `exited with code ${code}`);
        const at = run.step > 0 ? ` at step ${run.step}` : '';
        this.deps.notify(run.owner, { runId: run.id, kind: 'failed', reason: `the trainer process ${why}${at}` });
      };
      const grace = this.deps.exitGraceMs ?? 0;
      if (grace > 0) setTimeout(report, grace);
      else report();
    } else if (run.state === 'ended') {
      run.state = 'closed';
      this.deps.notify(run.owner, { runId: run.id, kind: 'closed', reason: 'reclaimed' });
    }
    this.pump();
  }

  private endProcess(run: Run<P, O>, reason: 'closed' | 'reclaimed' | 'shutdown'): void {
    const child = run.child;
    const wasOpen = run.state !== 'closed' && run.state !== 'failed';
    run.child = null;
    run.state = 'closed';
    if (child) {
      try {
        child.send({ type: 'shutdown' });
      } catch {
        // Already gone; kill() below is what matters.
      }
      child.kill();
    }
    if (wasOpen) this.deps.notify(run.owner, { runId: run.id, kind: 'closed', reason });
    if (reason !== 'reclaimed') this.runs.delete(run.id);
  }

  private notifyQueue(): void {
    this.queue.forEach((r, i) => this.deps.notify(r.owner, { runId: r.id, kind: 'queued', position: i + 1 }));
  }
}
