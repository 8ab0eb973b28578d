import { describe, expect, it } from 'vitest';
import type { FromTrainer } from '../../core/contract/protocol';
import { TrainerService } from '../../core/service/trainer-service';
import { xor } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('steps/s at paced speeds', () => {
  // The lab paces 1 and 10 steps/s with one `step` command per tick; each command runs and pauses.
  it('reports the rate of the paced commands, not 0', async () => {
    const out: FromTrainer[] = [];
    // The service's own clock, moved by the test: the rate is then exact, whatever the machine's load.
    let clock = 0;
    const s = new TrainerService({ post: (m) => out.push(m), now: () => clock });
    s.handle({ type: 'start', experiment: xor(100_000), paused: true });
    for (let i = 0; i < 12; i++) {
      s.handle({ type: 'step', count: 1 });
      await sleep(5);
      clock += 100;
    }
    const rates = out.flatMap((m) => (m.type === 'progress' ? [m.stepsPerSecond] : []));
    s.handle({ type: 'dispose' });
    expect(rates).toHaveLength(12);
    // 10 commands a second, one step each: the first anchors the window; after 500 ms of it, exactly 10.
    expect(rates.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    for (const r of rates.slice(5)) expect(r).toBeCloseTo(10, 9);
  });

  it('a command after a long pause starts a new window (no rate from the first lone step)', async () => {
    const out: FromTrainer[] = [];
    const s = new TrainerService({ post: (m) => out.push(m) });
    s.handle({ type: 'start', experiment: xor(100_000), paused: true });
    s.handle({ type: 'step', count: 1 });
    await sleep(50);
    const rates = out.flatMap((m) => (m.type === 'progress' ? [m.stepsPerSecond] : []));
    s.handle({ type: 'dispose' });
    expect(rates).toEqual([0]);
  });
});
