/** File ▸ Export run as CSV / JSON / numpy script: the text of each, from a saved run. Pure. */
import { exportNumpy, parseExperiment } from '../../core';
import type { ExportFormat } from '../../core/contract/api';
import type { SavedRunData } from '../../core/contract/run-file';

export const EXPORT_EXTENSIONS: Record<ExportFormat, { extension: string; label: string }> = {
  csv: { extension: 'csv', label: 'CSV' },
  json: { extension: 'json', label: 'JSON' },
  numpy: { extension: 'py', label: 'Python (numpy)' },
};

/** One row per step; the hold-out loss sits on the rows of the steps it was scored at. */
export function runToCsv(run: SavedRunData): string {
  const test = new Map(run.testLosses.map(([s, l]) => [s, l]));
  const lines = ['step,loss,test_loss'];
  run.losses.forEach((loss, step) => {
    const t = test.get(step);
    lines.push(`${step},${loss},${t === undefined || t === null ? '' : t}`);
  });
  // The hold-out loss after the last update has no training loss beside it.
  const after = test.get(run.losses.length);
  if (after !== undefined && after !== null) lines.push(`${run.losses.length},,${after}`);
  return `${lines.join('\n')}\n`;
}

export function exportRun(format: ExportFormat, run: SavedRunData): string {
  switch (format) {
    case 'csv':
      return runToCsv(run);
    case 'json':
      return `${JSON.stringify(run, null, 2)}\n`;
    case 'numpy': {
      const parsed = parseExperiment(run.experiment);
      if (!parsed.ok) throw new Error(`the run's experiment is invalid: ${parsed.message}`);
      return exportNumpy(parsed.experiment);
    }
  }
}
