/** File ▸ Export run as CSV / JSON / numpy script, and Last update's step script: the text of each. Pure. */
import { exportNumpy, parseExperiment, shapeOf, type ExperimentInput } from '../../core';
import type { ExplainedStep, ExportFormat } from '../../core/contract/api';
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

/** The file name Last update's export suggests (the web build downloads under the same name). */
export function stepScriptName(experimentName: string, step: number): string {
  return `${experimentName}-step-${step + 1}.py`;
}

/**
 * "Export this step as numpy": the script that trains up to `explain.step`, takes it and prints its
 * record for `explain.sampleRow`. Throws an Error naming the field when the row is not a training row.
 */
export function exportStep(input: ExperimentInput, explain: ExplainedStep): string {
  const parsed = parseExperiment(input);
  if (!parsed.ok) throw new Error(`the experiment is invalid: ${parsed.message}`);
  const { trainRows } = shapeOf(parsed.experiment);
  if (explain.sampleRow >= trainRows) throw new Error(`sampleRow: must be a training row (below ${trainRows}), got ${explain.sampleRow}`);
  return exportNumpy(parsed.experiment, { explain });
}
