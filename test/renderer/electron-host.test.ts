/**
 * The Electron host over a real MessageChannel: commands wait for the port that arrives as a window
 * message, and a trainer that dies is told to the run once, as a failure rather than a command error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort as NodePort } from 'node:worker_threads';
import { TRAINER_PORT_MESSAGE, type NnlabApi, type RunEvent } from '../../core/contract/api';
import type { FromTrainer, ToTrainer } from '../../core/contract/protocol';
import { electronHost } from '../../renderer/src/host/electron-host';

function fakeWindow() {
  const listeners: ((e: MessageEvent) => void)[] = [];
  const win = {
    addEventListener: (_t: string, l: (e: MessageEvent) => void) => listeners.push(l),
    removeEventListener: () => undefined,
  };
  /** What the preload does: window.postMessage({type, runId}, origin, [port]). */
  const deliver = (runId: string, port: NodePort, source: unknown = win) =>
    listeners.forEach((l) => l({ source, data: { type: TRAINER_PORT_MESSAGE, runId }, ports: [port] } as unknown as MessageEvent));
  return { win: win as unknown as Window, deliver };
}

function fakeApi() {
  const events: ((e: RunEvent) => void)[] = [];
  const closed: string[] = [];
  let n = 0;
  const api = {
    openRun: () => Promise.resolve({ runId: `r${++n}` }),
    closeRun: (id: string) => {
      closed.push(id);
      return Promise.resolve();
    },
    onRunEvent: (l: (e: RunEvent) => void) => {
      events.push(l);
      return () => undefined;
    },
  } as unknown as NnlabApi;
  return { api, closed, tell: (e: RunEvent) => events.forEach((l) => l(e)) };
}

const ports: NodePort[] = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});
const tick = () => new Promise((r) => setTimeout(r, 10));

describe('electron host', () => {
  it('holds commands until the port arrives, then flushes them in order; validates what comes back', async () => {
    const { api } = fakeApi();
    const { win, deliver } = fakeWindow();
    const host = electronHost(api, win);
    expect(host.kind).toBe('electron');
    expect(host.desktop).toBe(api);
    const got: FromTrainer[] = [];
    const channel = host.openRun((m) => got.push(m));
    channel.send({ type: 'pause' });
    channel.send({ type: 'step', count: 3 });
    await tick();
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const received: ToTrainer[] = [];
    port2.on('message', (m: ToTrainer) => received.push(m));
    deliver('r1', port1);
    await tick();
    expect(received).toEqual([{ type: 'pause' }, { type: 'step', count: 3 }]);
    port2.postMessage({ type: 'status', phase: 'paused', step: 3, totalSteps: 9, learningRate: 0.1, divergedAtStep: null });
    port2.postMessage({ type: 'status', phase: 'exploded' });
    await tick();
    expect(got[0]).toMatchObject({ type: 'status', phase: 'paused', step: 3 });
    expect(got[1]).toMatchObject({ type: 'error' });
    channel.close();
  });

  it('a crashed trainer is told once to onFailed; a reclaimed one too; a port from another source is ignored', async () => {
    const { api, tell, closed } = fakeApi();
    const { win, deliver } = fakeWindow();
    const host = electronHost(api, win);
    const failed: string[] = [];
    const msgs: FromTrainer[] = [];
    const channel = host.openRun((m) => msgs.push(m), (r) => failed.push(r));
    await tick();
    const { port1 } = new MessageChannel();
    ports.push(port1);
    deliver('r1', port1, {}); // not this window: ignored
    tell({ runId: 'r1', kind: 'failed', reason: 'killed (SIGKILL)' });
    tell({ runId: 'r1', kind: 'closed', reason: 'shutdown' });
    tell({ runId: 'r2', kind: 'failed', reason: 'another run' });
    expect(failed).toEqual(['the trainer process ended: killed (SIGKILL)']);
    expect(msgs).toEqual([]);
    channel.close();
    expect(closed).toEqual(['r1']);

    const second = host.openRun(() => undefined, (r) => failed.push(r));
    await tick();
    tell({ runId: 'r2', kind: 'closed', reason: 'closed' });
    tell({ runId: 'r2', kind: 'closed', reason: 'reclaimed' });
    expect(failed.at(-1)).toBe('the trainer was closed (reclaimed)');
    expect(failed).toHaveLength(2);
    second.close();
  });

  it('without onFailed a dead trainer still reaches the run, as an error', async () => {
    const { api, tell } = fakeApi();
    const host = electronHost(api, fakeWindow().win);
    const msgs: FromTrainer[] = [];
    const channel = host.openRun((m) => msgs.push(m));
    await tick();
    tell({ runId: 'r1', kind: 'failed', reason: 'exit code 1' });
    expect(msgs).toEqual([{ type: 'error', message: 'the trainer process ended: exit code 1', inReplyTo: 'start' }]);
    channel.close();
  });
});
