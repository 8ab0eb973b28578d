import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFromTrainer, parseToTrainer, TO_TRAINER_TYPES, type FromTrainer } from '../../core/contract/protocol';
import { TrainerService } from '../../core/service/trainer-service';
import { experiment, Trainer } from '../../core';
import { xor } from './harness';

describe('protocol schemas', () => {
  it('accepts every well-formed command', () => {
    const valid = [
      { type: 'start', experiment: xor(10), snapshotEvery: 5, gridResolution: 16, paused: true, id: 1 },
      { type: 'pause' },
      { type: 'resume' },
      { type: 'step', count: 3 },
      { type: 'step', count: 1, explain: { sample: 4 } },
      { type: 'reset' },
      { type: 'stop' },
      { type: 'setLearningRate', learningRate: 0.01 },
      { type: 'requestSnapshot', grid: false },
      { type: 'setSpeed', stepsPerSecond: null },
      { type: 'predict', id: 2, points: [[0, 1]] },
    ];
    expect([...new Set(valid.map((m) => m.type))].sort()).toEqual([...TO_TRAINER_TYPES].sort());
    for (const m of valid) expect(parseToTrainer(m)).toEqual({ ok: true, message: m });
  });

  it('names the field that is wrong', () => {
    const cases: [unknown, string][] = [
      [{ type: 'step', count: 0 }, 'invalid message to the trainer: count: must be an integer from 1 to 1000000'],
      [{ type: 'step', count: 2, explain: { sample: 0 } }, 'invalid message to the trainer: count: must be 1 when the step is explained'],
      [{ type: 'step', count: 1, explain: { sample: -1 } }, 'invalid message to the trainer: explain.sample: must be an integer from 0 to 9007199254740991'],
      [{ type: 'step', count: 1, explain: 3 }, 'invalid message to the trainer: explain: must be an object {"sample": row}'],
      [{ type: 'setLearningRate', learningRate: -1 }, 'invalid message to the trainer: learningRate: must be a positive finite number'],
      [{ type: 'setLearningRate', learningRate: Infinity }, 'invalid message to the trainer: learningRate: must be a positive finite number'],
      [{ type: 'pause', extra: 1 }, 'invalid message to the trainer: unknown field "extra"'],
      [{ type: 'predict', id: 1, points: [[0, NaN]] }, 'invalid message to the trainer: points[0][1]: must be a finite number'],
      [{ type: 'fly' }, `invalid message to the trainer: type: must be one of ${TO_TRAINER_TYPES.map((t) => `"${t}"`).join(', ')}`],
      [42, `invalid message to the trainer: must be a message object {"type": …} with type one of ${TO_TRAINER_TYPES.map((t) => `"${t}"`).join(', ')}`],
    ];
    for (const [raw, message] of cases) {
      const r = parseToTrainer(raw);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toEqual(message);
    }
    const r = parseToTrainer({ type: 'step', id: 9, count: 'x' });
    expect(r.ok || r.error).toMatchObject({ type: 'error', inReplyTo: 'step', id: 9, issues: [{ path: 'count' }] });
  });

  it('validates what the trainer sends, typed arrays included', () => {
    const progress: FromTrainer = { type: 'progress', fromStep: 0, losses: Float64Array.of(1, 2), testLosses: [[0, NaN]], step: 2, learningRate: 0.1, stepsPerSecond: 5 };
    expect(parseFromTrainer(progress).ok).toBe(true);
    expect(parseFromTrainer({ ...progress, losses: [1, 2] })).toMatchObject({ ok: false, error: { message: 'invalid message from the trainer: losses: must be a Float64Array' } });
    expect(parseFromTrainer({ type: 'status', phase: 'flying', step: 0, totalSteps: 0, learningRate: 0, divergedAtStep: null }).ok).toBe(false);

    const t = new Trainer(experiment(xor(10)));
    const explanation = t.stepExplained(3, { recordRows: 4 })!;
    expect(parseFromTrainer({ type: 'explanation', explanation })).toEqual({ ok: true, message: { type: 'explanation', explanation } });
    expect(parseFromTrainer({ type: 'explanation', explanation: { ...explanation, flipped: [-1] } }).ok).toBe(false);
    const network = { type: 'network', step: 1, params: t.params(), activations: t.activationGrid(4) };
    expect(parseFromTrainer(network).ok).toBe(true);
    expect(parseFromTrainer({ ...network, activations: { ...network.activations, layers: [[0]] } })).toMatchObject({
      ok: false,
      error: { message: 'invalid message from the trainer: activations.layers[0]: must be a Float32Array' },
    });
  });

  it('validates history messages, naming the bad field; non-finite values pass (a diverging layer)', () => {
    const h = { min: -1, max: Infinity, counts: [1, 0, 2], nonFinite: 1 };
    const layer = { weightStd: 1, gradNorm: Infinity, activationStd: NaN, deadFraction: null, saturatedFraction: 0.5, updateRatio: 0.01, biasStd: null, biasGradNorm: null, weights: h, biases: null, activations: h, gradients: h };
    const msg = { type: 'history', from: 3, entries: [{ step: 12, loss: 0.5, layers: [layer] }] };
    expect(parseFromTrainer(msg).ok).toBe(true);
    const bad = { ...msg, entries: [{ step: 12, loss: 0.5, layers: [{ ...layer, weights: { ...h, counts: [-1] } }] }] };
    const r = parseFromTrainer(bad);
    expect(r.ok || r.error.issues?.[0]?.path).toBe('entries[0].layers[0].weights.counts[0]');
  });

  it('never throws on arbitrary input, either way', () => {
    fc.assert(
      fc.property(fc.anything({ withTypedArray: true, withMap: true, withSet: true, withNullPrototype: true }), (raw) => {
        const a = parseToTrainer(raw);
        const b = parseFromTrainer(raw);
        if (!a.ok) expect(a.error.type).toBe('error');
        if (!b.ok) expect(b.error.type).toBe('error');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('TrainerService under fuzzed message sequences', () => {
  it('answers or ignores every message, never throws, and its state stays consistent', async () => {
    const command = fc.oneof(
      fc.constantFrom(...TO_TRAINER_TYPES.filter((t) => t !== 'start' && t !== 'step' && t !== 'setLearningRate' && t !== 'predict' && t !== 'setSpeed')).map((type) => ({ type })),
      fc.record({ type: fc.constant('start'), experiment: fc.constantFrom(xor(50), xor(0), { ...xor(5), layers: [] }, null), paused: fc.boolean() }),
      fc.record({ type: fc.constant('step'), count: fc.integer({ min: -2, max: 20 }) }),
      fc.record({ type: fc.constant('setLearningRate'), learningRate: fc.oneof(fc.double(), fc.constant(0.05)) }),
      fc.record({ type: fc.constant('setSpeed'), stepsPerSecond: fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 1000 })) }),
      fc.record({ type: fc.constant('predict'), id: fc.nat(), points: fc.array(fc.array(fc.double(), { maxLength: 3 }), { maxLength: 3 }) }),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 25 }), async (commands) => {
        const out: FromTrainer[] = [];
        const service = new TrainerService({ post: (m) => out.push(m) });
        for (const c of commands) {
          const before = out.length;
          expect(() => service.handle(c)).not.toThrow();
          // An invalid message gets exactly one error back.
          if (!parseToTrainer(c).ok) expect(out.slice(before)).toEqual([expect.objectContaining({ type: 'error' })]);
          await new Promise((r) => setImmediate(r));
        }
        // Everything sent is valid protocol, and the loss series stays contiguous.
        let next = 0;
        for (const m of out) {
          expect(parseFromTrainer(m).ok).toBe(true);
          if (m.type === 'progress') {
            expect(m.fromStep === 0 || m.fromStep === next).toBe(true);
            next = m.fromStep + m.losses.length;
          }
        }
        service.dispose();
      }),
      { numRuns: 150 },
    );
  });
});
