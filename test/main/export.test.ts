import { describe, expect, it } from 'vitest';
import { exportRun, runToCsv } from '../../main/electron-main/export';
import type { SavedRunData } from '../../core/contract/run-file';
import { xor } from './harness';

const run: SavedRunData = {
  format: 'nnlab-run',
  version: 1,
  id: 'r',
  name: 'xor test',
  experiment: xor(3),
  status: 'completed',
  failure: null,
  startedAt: '2025-01-01T00:00:00.000Z',
  endedAt: '2025-01-01T00:00:01.000Z',
  steps: 3,
  losses: [0.75, 0.5, 0.25],
  testLosses: [
    [0, 0.8],
    [3, 0.3],
  ],
  divergedAtStep: null,
  learningRate: 0.1,
};

describe('run export', () => {
  it('writes CSV with one row per step and the hold-out losses where they were scored', () => {
    expect(runToCsv(run)).toBe('step,loss,test_loss\n0,0.75,0.8\n1,0.5,\n2,0.25,\n3,,0.3\n');
  });

  it('writes JSON that round-trips the run', () => {
    expect(JSON.parse(exportRun('json', run))).toEqual(run);
  });

  it('writes the numpy script of the run’s experiment', () => {
    const py = exportRun('numpy', run);
    expect(py).toMatch(/import numpy as np/);
    expect(py).toContain('0.1');
  });
});
