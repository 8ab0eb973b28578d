/**
 * A run as CSV: one row per step with its loss and hold-out loss, and on the steps the history recorded
 * (core/history.ts) the per-layer metrics, as columns `layer{N}_{metric}`. Shared by the desktop's
 * File ▸ Export and the browser's export button. papaparse writes the text (quoting, line ends).
 */
import Papa from 'papaparse';
import { historyValue, type SavedRunData } from './run-file';

/** The per-layer history metrics, in column order. */
export const CSV_LAYER_METRICS = ['weightStd', 'gradNorm', 'activationStd', 'deadFraction', 'saturatedFraction', 'updateRatio', 'biasStd', 'biasGradNorm'] as const;

const cell = (v: number | string | null | undefined): string => {
  if (v === null || v === undefined) return '';
  return String(typeof v === 'number' ? v : historyValue(v as never));
};

export function runToCsv(run: SavedRunData): string {
  const test = new Map(run.testLosses.map(([s, l]) => [s, l]));
  const history = new Map((run.history ?? []).map((e) => [e.step, e]));
  const layers = Math.max(0, ...(run.history ?? []).map((e) => e.layers.length));
  const fields = ['step', 'loss', 'test_loss'];
  for (let i = 0; i < layers; i++) for (const m of CSV_LAYER_METRICS) fields.push(`layer${i + 1}_${m}`);
  const rows: string[][] = [];
  const row = (step: number, loss: string) => {
    const t = test.get(step);
    const out = [String(step), loss, cell(t)];
    const e = history.get(step);
    for (let i = 0; i < layers; i++) {
      const l = e?.layers[i];
      for (const m of CSV_LAYER_METRICS) out.push(l ? cell(l[m]) : '');
    }
    rows.push(out);
  };
  run.losses.forEach((loss, step) => row(step, String(loss)));
  // The hold-out loss after the last update has no training loss beside it.
  const after = test.get(run.losses.length);
  if (after !== undefined && after !== null) row(run.losses.length, '');
  return `${Papa.unparse({ fields, data: rows }, { newline: '\n' })}\n`;
}
