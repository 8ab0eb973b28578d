/**
 * Sweeps in the desktop app, under Node: the pool (core/service/sweep-runner.ts) over workers that
 * main opens with the trainer host in role "sweep", each a worker thread running the real utility-
 * process runtime, as test/main/harness.ts does for trainers. The factory below is what the renderer's
 * Electron host does with window.nnlab: open a run with role "sweep", post jobs on its port (queued
 * until it arrives), a `failed` run event is the pool's `crash`, terminate closes the run.
 */
import type { MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSweep } from '../../core';
import type { RunEvent } from '../../core/contract/api';
import type { SweepRun, SweepWorkerMessage } from '../../core/contract/sweep';
import { runSweepJob } from '../../core/service/sweep-job';
import { runSweep, type SweepWorkerFactory } from '../../core/service/sweep-runner';
import { nodeHost, xor } from './harness';

/** One window: the ports main hands it and the run events it is told. */
class Window {
  readonly events: RunEvent[] = [];
  private readonly ports = new Map<string, MessagePort>();
  private readonly portWaiters = new Map<string, (p: MessagePort) => void>();
  private readonly failWaiters = new Map<string, (reason: string) => void>();

  port(runId: string, port: MessagePort): void {
    const w = this.portWaiters.get(runId);
    if (w) w(port);
    else this.ports.set(runId, port);
  }
  event(e: RunEvent): void {
    this.events.push(e);
    if (e.kind === 'failed') this.failWaiters.get(e.runId)?.(e.reason);
    if (e.kind === 'closed' && e.reason !== 'closed') this.failWaiters.get(e.runId)?.(`closed (${e.reason})`);
  }
  whenPort(runId: string, f: (p: MessagePort) => void): void {
    const p = this.ports.get(runId);
    if (p) f(p);
    else this.portWaiters.set(runId, f);
  }
  whenFailed(runId: string, f: (reason: string) => void): void {
    this.failWaiters.set(runId, f);
  }
}

function setup(maxProcesses: number) {
  const win = new Window();
  // The host's default grace before reclaiming an ended run's process (nodeHost shortens it for its own tests).
  const { host, children, maxLive } = nodeHost(win, { maxProcesses, reclaimAfterMs: 1000 });
  const opened: string[] = [];
  const createWorker: SweepWorkerFactory = (events) => {
    const id = host.open(win, 'sweep');
    opened.push(id);
    const queue: unknown[] = [];
    let port: MessagePort | null = null;
    let closed = false;
    win.whenFailed(id, (reason) => !closed && events.crash(reason));
    win.whenPort(id, (p) => {
      port = p;
      p.on('message', (m: unknown) => events.message(m));
      for (const m of queue.splice(0)) p.postMessage(m);
    });
    return {
      post: (job) => (port ? port.postMessage(job) : queue.push(job)),
      terminate: () => {
        closed = true;
        port?.close();
        host.close(id);
      },
    };
  };
  hosts.push(host);
  return { win, host, children, createWorker, opened, maxLive };
}

const hosts: { shutdown(): void }[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.shutdown();
});

function grid(steps: number, learningRates: number[]) {
  const r = parseSweep({ version: 1, kind: 'sweep', base: xor(steps), axes: { learningRate: learningRates, seed: [1, 2] } });
  if (!r.ok) throw new Error(r.message);
  return r.points;
}

/** The same job, trained in this thread: what the pool must report for it. */
function inProcess(index: number, experiment: unknown): Extract<SweepWorkerMessage, { type: 'done' }> {
  let done: SweepWorkerMessage | null = null;
  runSweepJob({ type: 'run', index, experiment, keepResult: true }, (m) => m.type !== 'progress' && (done = m));
  if (done === null || (done as SweepWorkerMessage).type !== 'done') throw new Error(`in-process run ${index} did not finish`);
  return done;
}

const numbers = ({ seconds: _s, ...rest }: SweepRun) => rest;

describe('the desktop sweep pool (utility-process stand-ins)', () => {
  it('runs every grid point in role-"sweep" processes with exactly the in-process numbers, and ends the processes after', async () => {
    const { host, children, createWorker, opened, maxLive } = setup(2);
    const points = grid(300, [0.3, 0.1, 0.03]);
    const results = new Map<number, unknown>();
    const out = await runSweep(points, { workers: 2, createWorker, keepResults: true, onRun: (run, result) => results.set(run.index, result) });
    expect(out.runs.map((r) => r.status)).toEqual(points.map(() => 'completed'));
    for (const p of points) {
      const want = inProcess(p.index, p.experiment);
      const got = out.runs[p.index]!;
      expect(numbers(got)).toEqual(numbers({ index: p.index, params: p.params, ...want.run }));
      // The whole result, loss by loss, as `nnlab train` computes it.
      const res = results.get(p.index) as { losses: number[]; params: unknown };
      expect(Array.from(res.losses)).toEqual(Array.from(want.result!.losses));
      expect(res.params).toEqual(want.result!.params);
    }
    // Two workers kept for six runs (each compiles the kernels once), never more processes than slots.
    expect(opened).toHaveLength(2);
    expect(opened.every((id) => id.startsWith('sweep-'))).toBe(true);
    expect(children).toHaveLength(2);
    expect(maxLive()).toBe(2);
    expect(host.liveProcesses).toBe(0);
  }, 60_000);

  it('a killed worker process fails the one run it held; a new worker takes the rest and they all finish', async () => {
    const { children, createWorker, win } = setup(2);
    // Long enough that a run outlasts the 200 ms between progress reports (10k steps took 110-160 ms: the kill never came).
    const points = grid(40_000, [0.1, 0.05]);
    let killed = false;
    const out = await runSweep(points, {
      workers: 2,
      createWorker,
      onProgress: (p) => {
        // Kill the first worker once it is well into its run (its process dies as an OOM kill would end it).
        if (!killed && p.running.some((r) => r.step > 0)) {
          killed = true;
          void children[0]!.worker.terminate();
        }
      },
    });
    expect(killed).toBe(true);
    const failed = out.runs.filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toMatch(/^worker crashed: the trainer process (killed|exited with code 1)/);
    expect(out.runs.filter((r) => r.status === 'completed')).toHaveLength(points.length - 1);
    // The failed worker was replaced: three processes in all, and main told the window of the one failure.
    expect(children).toHaveLength(3);
    expect(win.events.filter((e) => e.kind === 'failed')).toHaveLength(1);
    for (const r of out.runs.filter((x) => x.status === 'completed')) {
      const p = points[r.index]!;
      expect(r.finalLoss).toBe(inProcess(p.index, p.experiment).run.finalLoss);
    }
  }, 120_000);

  it('shares the one-per-core limit with trainers: with a trainer live, one sweep worker waits; closing the window ends them all', async () => {
    const { host, win, createWorker, children } = setup(2);
    const trainer = host.open(win);
    const points = grid(200, [0.1]);
    const sweep = runSweep(points, { workers: 2, createWorker });
    expect(host.liveProcesses).toBe(2);
    expect(win.events.filter((e) => e.kind === 'queued')).toHaveLength(1);
    // The queued worker's job waits for its process; when the trainer is closed it starts and the sweep ends.
    await new Promise((r) => setTimeout(r, 300));
    host.close(trainer);
    const out = await sweep;
    expect(out.runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(children).toHaveLength(3);
    // A second sweep, then the window goes away: its workers' processes end with it.
    const pending = runSweep(grid(50_000, [0.1]), { workers: 2, createWorker });
    await new Promise((r) => setTimeout(r, 200));
    expect(host.liveProcesses).toBe(2);
    const exits = children.slice(3).map((c) => new Promise((r) => c.worker.once('exit', r)));
    host.closeOwner(win);
    await Promise.all(exits);
    expect(host.liveProcesses).toBe(0);
    const stopped = await pending;
    expect(stopped.runs.every((r) => r.status === 'failed')).toBe(true);
  }, 60_000);
});
