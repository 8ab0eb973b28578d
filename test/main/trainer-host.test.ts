/**
 * The trainer host with real trainer processes: worker threads running the same runtime and core as
 * Electron's utility processes, connected by real MessageChannels.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { experiment, Trainer, type ExperimentInput } from '../../core';
import type { RunEvent } from '../../core/contract/api';
import { TO_TRAINER_TYPES } from '../../core/contract/protocol';
import { FakeUi, nodeHost, xor } from './harness';

const hosts: { shutdown(): void }[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.shutdown();
});

function setup(options: Parameters<typeof nodeHost>[1] = {}) {
  const ui = new FakeUi();
  const env = nodeHost(ui, options);
  hosts.push(env.host);
  return { ui, ...env };
}

function reference(exp: ExperimentInput, steps: number): number[] {
  const t = new Trainer(experiment(exp), { recordLosses: false });
  const out = new Float64Array(steps);
  t.run(steps, out, 0);
  return Array.from(out);
}

const eventsOf = (ui: FakeUi, runId: string, kind: RunEvent['kind']) => ui.events.filter((e) => e.runId === runId && e.kind === kind);

describe('TrainerHost with real trainer processes', () => {
  it('runs a full experiment in a trainer process; the UI gets every loss straight from the port', async () => {
    const { ui, host } = setup();
    const id = host.open(ui);
    expect(eventsOf(ui, id, 'started')).toHaveLength(1);
    const exp = xor(2000);
    const rec = await ui.start(id, exp);
    await ui.until(() => rec.phase === 'completed');
    expect(Array.from(rec.losses)).toEqual(reference(exp, 2000));
    expect(rec.lastSnapshot?.grid?.argmax.length).toBe(48 * 48);
    // main learned the outcome over the control channel, not from the data.
    await ui.until(() => host.stateOf(id)?.state === 'ended', 5000, 'main to see the end');
    expect(host.stateOf(id)).toMatchObject({ phase: 'completed', step: 2000 });
  });

  it('a trainer whose UI port closes (its page is gone) stops and exits by itself', async () => {
    const { ui, host, children } = setup();
    const id = host.open(ui);
    const rec = await ui.start(id, xor(5_000_000));
    await ui.until(() => rec.losses.length > 200);
    const exited = new Promise<number>((resolve) => children[0]!.worker.once('exit', resolve));
    // Only the port goes; main is not told (as when a renderer dies before main hears of it).
    ui.ports.get(id)!.close();
    expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))])).toBe(0);
    expect(rec.phase).not.toBe('completed');
  });

  it('pauses and resumes across the process boundary without changing the result', async () => {
    const { ui, host } = setup();
    const id = host.open(ui);
    const exp = xor(20_000, 0.05);
    const rec = await ui.start(id, exp);
    await ui.until(() => rec.losses.length > 200);
    ui.send(id, { type: 'pause' });
    await ui.until(() => rec.phase === 'paused');
    const at = rec.step;
    expect(at).toBeLessThan(20_000);
    await new Promise((r) => setTimeout(r, 150));
    expect(rec.losses.length).toBe(at);
    ui.send(id, { type: 'resume' });
    await ui.until(() => rec.phase === 'completed');
    expect(Array.from(rec.losses)).toEqual(reference(exp, 20_000));
  });

  it('changes the learning rate of a running trainer live', async () => {
    const { ui, host } = setup();
    const id = host.open(ui);
    const exp = xor(100, 0.1);
    const rec = await ui.start(id, exp, { paused: true });
    ui.send(id, { type: 'step', count: 50 });
    await ui.until(() => rec.phase === 'paused' && rec.step === 50);
    ui.send(id, { type: 'setLearningRate', learningRate: 0.02 });
    await ui.until(() => rec.learningRate === 0.02);
    ui.send(id, { type: 'resume' });
    await ui.until(() => rec.phase === 'completed');
    const t = new Trainer(experiment(exp), { recordLosses: false });
    const want = new Float64Array(100);
    t.run(50, want, 0);
    t.learningRate = 0.02;
    t.run(50, want, 50);
    expect(Array.from(rec.losses)).toEqual(Array.from(want));
  });

  it('trains two runs at once in two processes, each with its own result', async () => {
    const { ui, host, maxLive } = setup({ maxProcesses: 2 });
    const a = host.open(ui);
    const b = host.open(ui);
    const expA = xor(30_000, 0.1);
    const expB = xor(30_000, 0.03);
    const ra = await ui.start(a, expA);
    const rb = await ui.start(b, expB);
    // Both are running at the same moment.
    await ui.until(() => ra.phase === 'running' && rb.phase === 'running' && ra.losses.length > 0 && rb.losses.length > 0);
    await ui.until(() => ra.phase === 'completed' && rb.phase === 'completed');
    expect(maxLive()).toBe(2);
    expect(Array.from(ra.losses)).toEqual(reference(expA, 30_000));
    expect(Array.from(rb.losses)).toEqual(reference(expB, 30_000));
  });

  it('runs at most one process per core and queues the rest in order', async () => {
    const { ui, host, children } = setup({ maxProcesses: 1, reclaimAfterMs: 50 });
    const a = host.open(ui);
    const b = host.open(ui);
    const c = host.open(ui);
    expect(children).toHaveLength(1);
    expect(eventsOf(ui, b, 'queued').at(-1)).toMatchObject({ position: 1 });
    expect(eventsOf(ui, c, 'queued').at(-1)).toMatchObject({ position: 2 });
    const ra = await ui.start(a, xor(3000));
    await ui.until(() => ra.phase === 'completed');
    // a ended: after the grace time its process is reclaimed for b; c still waits.
    await ui.until(() => ui.ports.has(b));
    expect(eventsOf(ui, a, 'closed')).toEqual([{ runId: a, kind: 'closed', reason: 'reclaimed' }]);
    expect(eventsOf(ui, c, 'queued').at(-1)).toMatchObject({ position: 1 });
    expect(host.liveProcesses).toBe(1);
    const rb = await ui.start(b, xor(500));
    await ui.until(() => rb.phase === 'completed');
    host.close(b);
    await ui.until(() => ui.ports.has(c));
    const rc = await ui.start(c, xor(500));
    await ui.until(() => rc.phase === 'completed');
    expect(children).toHaveLength(3);
    expect(host.liveProcesses).toBe(1);
  });

  it('detects a trainer killed mid-run: the run fails with its data kept, the next run gets a fresh process', async () => {
    const { ui, host, children } = setup({ maxProcesses: 1 });
    const id = host.open(ui);
    const exp = xor(5_000_000, 0.01);
    const rec = await ui.start(id, exp);
    await ui.until(() => rec.losses.length > 1000);
    await children[0]!.worker.terminate();
    await ui.until(() => rec.phase === 'failed', 10_000, 'the failure');
    const failed = eventsOf(ui, id, 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^the trainer process exited with code 1( at step \d+)?$/) });
    expect(rec.failure).toBe((failed[0] as { reason: string }).reason);
    // The data that arrived before the kill is the run's data, and it is right.
    const kept = rec.losses.length;
    expect(kept).toBeGreaterThan(1000);
    expect(Array.from(rec.losses)).toEqual(reference(exp, kept));
    const saved = rec.toSavedRun();
    expect(saved).toMatchObject({ status: 'failed', failure: rec.failure, steps: kept });

    // The slot is free again; a new run gets a new process and trains normally.
    expect(host.liveProcesses).toBe(0);
    const next = host.open(ui);
    expect(children).toHaveLength(2);
    const rn = await ui.start(next, xor(300));
    await ui.until(() => rn.phase === 'completed');
    expect(Array.from(rn.losses)).toEqual(reference(xor(300), 300));
  });

  it('prefers the platform crash reason when one arrives (Electron child-process-gone)', async () => {
    const { ui, host, children } = setup({ maxProcesses: 1, exitGraceMs: 20 });
    const id = host.open(ui);
    const rec = await ui.start(id, xor(5_000_000, 0.01));
    await ui.until(() => rec.losses.length > 0);
    host.processGone(id, 'ran out of memory (oom, exit code -536870904)');
    await children[0]!.worker.terminate();
    await ui.until(() => rec.phase === 'failed');
    // The step is main's last heard (reports come at most once a second), so a fast kill may have none.
    expect(rec.failure).toMatch(/^the trainer process ran out of memory \(oom, exit code -536870904\)( at step \d+)?$/);
  });

  it('answers fuzzed invalid messages with errors over the real port, and keeps training', async () => {
    const { ui, host } = setup();
    const id = host.open(ui);
    const exp = xor(400);
    const rec = await ui.start(id, exp, { paused: true });
    await ui.until(() => rec.phase === 'paused');
    const invalid = fc.oneof(
      fc.anything(),
      fc.record({ type: fc.constantFrom(...TO_TRAINER_TYPES), count: fc.oneof(fc.double(), fc.string(), fc.constant(0)), learningRate: fc.oneof(fc.constant(-1), fc.constant(Number.NaN), fc.string()) }),
      fc.record({ type: fc.string() }),
    );
    // Only messages the schema refuses: each must get exactly one error back.
    const samples = fc.sample(invalid, 150).filter((m) => {
      const r = (m as { type?: unknown })?.type;
      return !(typeof r === 'string' && (TO_TRAINER_TYPES as readonly string[]).includes(r) && Object.keys(m as object).length === 1);
    });
    for (const m of samples) ui.send(id, m);
    await ui.until(() => rec.errors.length >= samples.length, 20_000, 'an error per invalid message');
    expect(rec.errors).toHaveLength(samples.length);
    for (const e of rec.errors) expect(e.message).toMatch(/^invalid message to the trainer: /);
    // The trainer is alive and right.
    ui.send(id, { type: 'resume' });
    await ui.until(() => rec.phase === 'completed');
    expect(Array.from(rec.losses)).toEqual(reference(exp, 400));
    await ui.until(() => host.stateOf(id)?.state === 'ended', 5000, 'main to see the end');
  });

  it('closes runs on request and frees their processes', async () => {
    const { ui, host, children } = setup({ maxProcesses: 2 });
    const a = host.open(ui);
    const rec = await ui.start(a, xor(5_000_000, 0.01));
    await ui.until(() => rec.losses.length > 0);
    host.close(a);
    expect(eventsOf(ui, a, 'closed')).toEqual([{ runId: a, kind: 'closed', reason: 'closed' }]);
    expect(eventsOf(ui, a, 'failed')).toHaveLength(0);
    await new Promise<void>((r) => children[0]!.worker.once('exit', () => r()));
    expect(host.liveProcesses).toBe(0);
    expect(host.stateOf(a)).toBeNull();
  });
});
