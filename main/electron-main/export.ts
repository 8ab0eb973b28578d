/** File ▸ Export run as CSV / JSON / numpy script: the text of each, from a saved run. Pure. */
import { exportNumpy, parseExperiment } from '../../core';
import type { ExportFormat } from '../../core/contract/api';
import { jsonNumbers, type SavedRunData } from '../../core/contract/run-file';
import { runToCsv } from '../../core/contract/run-csv';

export const EXPORT_EXTENSIONS: Record<ExportFormat, { extension: string; label: string }> = {
  csv: { extension: 'csv', label: 'CSV' },
  json: { extension: 'json', label: 'JSON' },
  numpy: { extension: 'py', label: 'Python (numpy)' },
};

export { runToCsv };

export function exportRun(format: ExportFormat, run: SavedRunData): string {
  switch (format) {
    case 'csv':
      return runToCsv(run);
    case 'json':
      return `${JSON.stringify(run, jsonNumbers, 2)}\n`;
    case 'numpy': {
      const parsed = parseExperiment(run.experiment);
      if (!parsed.ok) throw new Error(`the run's experiment is invalid: ${parsed.message}`);
      return exportNumpy(parsed.experiment);
    }
  }
}
