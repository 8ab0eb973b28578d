/**
 * A csv-referencing experiment with its file read: the file's SHA-256 checked, its rows turned into
 * inline data by core/csv.ts's rules, and the result validated again as a whole (widths, hold-out,
 * memory), so what trains is an ordinary self-contained experiment. (Apart from csv.ts, which
 * experiment.ts imports, so this cannot live there.)
 */
import { CsvError, resolveCsvData } from './csv';
import { parseExperiment, type DataSpec, type Experiment } from './experiment';

export type CsvDataSpec = Extract<DataSpec, { kind: 'csv' }>;

export type CsvResolution =
  | {
      ok: true;
      /** The experiment with `data` inline: what trains. */
      experiment: Experiment;
      /** The reference with what reading the file settled filled in (separator, class order), for export-numpy; null if `data` was not a reference. */
      reference: CsvDataSpec | null;
    }
  | { ok: false; message: string };

export function resolveCsvExperiment(exp: Experiment, bytes: Uint8Array): CsvResolution {
  if (exp.data.kind !== 'csv') return { ok: true, experiment: exp, reference: null };
  const spec = exp.data;
  let resolved;
  try {
    resolved = resolveCsvData(spec, bytes);
  } catch (e) {
    if (e instanceof CsvError) return { ok: false, message: e.message.startsWith('data.') ? e.message : `${spec.path}: ${e.message}` };
    throw e;
  }
  const r = parseExperiment({ ...exp, data: resolved.data });
  if (!r.ok) return { ok: false, message: r.message };
  const reference: CsvDataSpec = { ...spec, delimiter: resolved.delimiter, ...(resolved.data.labels ? { labels: resolved.data.labels } : {}) };
  return { ok: true, experiment: r.experiment, reference };
}
