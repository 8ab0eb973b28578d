/** Shaping a sweep's runs for its views: the seed band, stability classes and cells, sorting, the CSV. */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  cellStability,
  DEAD_FRACTION,
  lossVsLearningRate,
  median,
  parseAxisText,
  seedSummary,
  sortRuns,
  stabilityGrid,
  stabilityOf,
  sweepCsv,
  type SweepRow,
} from '../../renderer/src/state/sweep-results';

let next = 0;
function row(params: SweepRow['params'], finalLoss: number | null, extra: Partial<SweepRow> = {}): SweepRow {
  return {
    index: next++,
    params,
    status: 'completed',
    steps: 10,
    finalLoss,
    minLoss: finalLoss,
    divergedAtStep: null,
    testLoss: null,
    accuracy: null,
    testAccuracy: null,
    seconds: 0.01,
    firstLoss: 10,
    ...extra,
  };
}

describe('sweep results', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('loss vs learning rate: per scheme, per rate, the median and min–max over seeds; diverged and failed runs leave the band', () => {
    next = 0;
    const runs = [
      row({ learningRate: 0.1, 'init.weights': 'xavier', seed: 0 }, 1),
      row({ learningRate: 0.1, 'init.weights': 'xavier', seed: 1 }, 4),
      row({ learningRate: 0.1, 'init.weights': 'xavier', seed: 2 }, 2),
      row({ learningRate: 0.1, 'init.weights': 'xavier', seed: 3 }, null, { status: 'diverged', divergedAtStep: 3 }),
      row({ learningRate: 0.01, 'init.weights': 'xavier', seed: 0 }, 5),
      row({ learningRate: 0.01, 'init.weights': 'he', seed: 0 }, 7),
      row({ learningRate: 0.01, 'init.weights': 'he', seed: 1 }, null, { status: 'failed', error: 'worker crashed' }),
    ];
    const c = lossVsLearningRate(runs);
    expect(c.series).toEqual(['xavier', 'he']);
    expect(c.points.map((p) => p.learningRate)).toEqual([0.01, 0.1]);
    expect(c.points[1]!['xavier:median']).toBe(2);
    expect(c.points[1]!['xavier:band']).toEqual([1, 4]);
    expect(c.points[0]!['he:median']).toBe(7);
    expect(c.points[0]!['he:band']).toEqual([7, 7]);
    expect(c.points[1]!['he:median']).toBeUndefined();
  });

  it('stability: diverged, dead (above 90% of the first loss), converged, failed', () => {
    expect(stabilityOf({ status: 'diverged', finalLoss: 3, firstLoss: 10 })).toBe('diverged');
    expect(stabilityOf({ status: 'completed', finalLoss: Number.POSITIVE_INFINITY, firstLoss: 10 })).toBe('diverged');
    expect(DEAD_FRACTION).toBe(0.9);
    expect(stabilityOf({ status: 'completed', finalLoss: 9 * (1 + 1e-9), firstLoss: 10 })).toBe('dead');
    expect(stabilityOf({ status: 'completed', finalLoss: 9, firstLoss: 10 })).toBe('converged');
    expect(stabilityOf({ status: 'completed', finalLoss: 0.1, firstLoss: 10 })).toBe('converged');
    expect(stabilityOf({ status: 'failed', finalLoss: null, firstLoss: null })).toBe('failed');
    expect(stabilityOf({ status: 'stopped', finalLoss: null, firstLoss: null })).toBe('stopped');
  });

  it('a cell takes the most common class over its runs; a tie goes to the worse', () => {
    expect(cellStability({ converged: 2, dead: 1, diverged: 0, failed: 0, stopped: 0 })).toBe('converged');
    expect(cellStability({ converged: 1, dead: 0, diverged: 1, failed: 0, stopped: 0 })).toBe('diverged');
    expect(cellStability({ converged: 1, dead: 1, diverged: 0, failed: 0, stopped: 0 })).toBe('dead');
    expect(cellStability({ converged: 0, dead: 0, diverged: 0, failed: 0, stopped: 3 })).toBe('stopped');
  });

  it('stability grid: learning rate × depth, each cell the runs at that pair over the other axes', () => {
    next = 0;
    const axes = { learningRate: [0.01, 1], depth: [1, 2], seed: [0, 1] };
    const runs = [
      row({ learningRate: 0.01, depth: 1, seed: 0 }, 1),
      row({ learningRate: 0.01, depth: 1, seed: 1 }, 9.5),
      row({ learningRate: 0.01, depth: 2, seed: 0 }, 9.5),
      row({ learningRate: 0.01, depth: 2, seed: 1 }, 9.8),
      row({ learningRate: 1, depth: 1, seed: 0 }, null, { status: 'diverged' }),
      row({ learningRate: 1, depth: 1, seed: 1 }, null, { status: 'diverged' }),
      row({ learningRate: 1, depth: 2, seed: 0 }, 1),
      row({ learningRate: 1, depth: 2, seed: 1 }, null, { status: 'failed' }),
    ];
    const g = stabilityGrid(runs, axes, 'learningRate', 'depth');
    expect(g.xs).toEqual([0.01, 1]);
    expect(g.ys).toEqual([1, 2]);
    expect(g.cells.map((c) => [c.x, c.y, c.stability, c.runs.length])).toEqual([
      [0.01, 1, 'dead', 2],
      [1, 1, 'diverged', 2],
      [0.01, 2, 'dead', 2],
      [1, 2, 'converged', 2],
    ]);
    const one = stabilityGrid(runs, axes, 'learningRate', null);
    expect(one.cells.map((c) => c.runs.length)).toEqual([4, 4]);
  });

  it('sorting by a number puts runs without one last either way; by a parameter, by its value', () => {
    next = 0;
    const runs = [row({ learningRate: 0.1 }, 3), row({ learningRate: 0.001 }, null, { status: 'diverged' }), row({ learningRate: 0.01 }, 1)];
    expect(sortRuns(runs, 'finalLoss', false).map((r) => r.index)).toEqual([2, 0, 1]);
    expect(sortRuns(runs, 'finalLoss', true).map((r) => r.index)).toEqual([0, 2, 1]);
    expect(sortRuns(runs, 'param:learningRate', false).map((r) => r.index)).toEqual([1, 2, 0]);
    expect(sortRuns(runs, 'index', true).map((r) => r.index)).toEqual([2, 1, 0]);
  });

  it('CSV: a column per axis, full-precision numbers, empty for none, errors quoted; read back by papaparse', () => {
    next = 0;
    const runs = [
      row({ learningRate: 0.1, batchSize: null }, 0.123456789012345, { testLoss: 0.2, minLoss: 0.1 }),
      row({ learningRate: 0.01, batchSize: 16 }, null, { status: 'failed', firstLoss: null, error: 'worker crashed: "boom", twice' }),
    ];
    const csv = sweepCsv(runs, ['learningRate', 'batchSize']);
    const back = Papa.parse<Record<string, string>>(csv, { header: true }).data;
    expect(csv.split('\n')[0]).toBe('index,learningRate,batchSize,status,stability,steps,firstLoss,finalLoss,minLoss,divergedAtStep,testLoss,accuracy,testAccuracy,seconds,error');
    expect(back).toHaveLength(2);
    expect(back[0]).toMatchObject({ index: '0', learningRate: '0.1', batchSize: 'null', status: 'completed', stability: 'converged', finalLoss: '0.123456789012345', minLoss: '0.1', testLoss: '0.2', accuracy: '' });
    expect(back[1]).toMatchObject({ batchSize: '16', status: 'failed', stability: 'failed', finalLoss: '', error: 'worker crashed: "boom", twice' });
  });

  it('paired seeds: per scheme the median and min–max over completed seeds, diverged and failed counted apart', () => {
    next = 0;
    const runs = [
      row({ 'init.weights': 'xavier', seed: 0 }, 0.5),
      row({ 'init.weights': 'xavier', seed: 1 }, 0.1),
      row({ 'init.weights': 'xavier', seed: 2 }, 0.3),
      // A diverged run's last loss can be finite (huge): it is counted as diverged, not put in the spread.
      row({ 'init.weights': 'he', seed: 0 }, 1e30, { status: 'diverged' }),
      row({ 'init.weights': 'he', seed: 1 }, null, { status: 'failed' }),
    ];
    const s = seedSummary(runs, ['xavier', 'he', 'standard-normal'] as const);
    expect(s[0]).toEqual({ scheme: 'xavier', runs: 3, spread: { median: 0.3, min: 0.1, max: 0.5, count: 3 }, diverged: 0, failed: 0 });
    expect(s[1]).toEqual({ scheme: 'he', runs: 2, spread: null, diverged: 1, failed: 1 });
    expect(s[2]!.runs).toBe(0);
  });

  it('axis text: numbers, booleans, null (full batch), scheme names', () => {
    expect(parseAxisText('0.1, 1e-3 ,0.01')).toEqual([0.1, 0.001, 0.01]);
    expect(parseAxisText('true,false')).toEqual([true, false]);
    expect(parseAxisText('null 16 full')).toEqual([null, 16, null]);
    expect(parseAxisText('xavier, he')).toEqual(['xavier', 'he']);
    expect(parseAxisText('  ')).toEqual([]);
  });
});
