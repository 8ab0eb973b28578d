/**
 * "Import CSV…": choose a file (the browser's file input, the desktop's file dialog, or a file dropped
 * on the window), see its first rows, pick the feature and target columns, and use it as the
 * experiment's data. The file is parsed in a worker, so a 100k-row file leaves the window drawing.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useLab, useLabStore } from '../context';
import type { CsvColumnInfo } from '../../../core/contract/csv-import';
import type { TargetKind } from '../../../core';
import { CsvImportError, csvWorkerImporter, withImportedData, type CsvImporter, type CsvParsed } from '../state/csv-import';

type Phase =
  | { kind: 'idle' }
  | { kind: 'reading'; name: string; rows: number; fraction: number }
  | { kind: 'error'; name: string; message: string }
  | { kind: 'preview'; parsed: CsvParsed }
  | { kind: 'building'; parsed: CsvParsed };

interface Choice {
  features: string[];
  target: string | null;
  targetKind: TargetKind;
  standardize: boolean;
}

/** A guess the user corrects: the last column is the target, labels if it has few values or is not numeric. */
function defaultChoice(columns: CsvColumnInfo[]): Choice {
  const target = columns[columns.length - 1]!;
  const targetKind: TargetKind = target.numeric && target.distinct > 10 ? 'numeric' : 'classes';
  return { target: target.name, targetKind, features: columns.filter((c) => c.numeric && c.name !== target.name).map((c) => c.name), standardize: true };
}

const count = (n: number) => n.toLocaleString('en-US');

/** The desktop's dialog, when the preload offers it (window.nnlab.openCsvFile). */
const desktopDialog = () => (typeof window !== 'undefined' ? window.nnlab?.openCsvFile : undefined);

export function DataImport() {
  const store = useLabStore();
  const locked = useLab((s) => s.isLocked?.('dataset') ?? false);
  // The data object itself (a stable reference); what is shown of it is derived below.
  const data = useLab((s) => s.draft.base.data) as { kind?: string; source?: { file: string }; x?: unknown[]; features?: string[]; labels?: string[] } | undefined;
  const source = data?.kind === 'inline' && data.source ? { file: data.source.file, rows: data.x?.length ?? 0, features: data.features?.length ?? 0, labels: data.labels ?? null } : null;
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [choice, setChoice] = useState<Choice | null>(null);
  const importer = useRef<CsvImporter | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const ids = useId();

  useEffect(() => () => importer.current?.close(), []);

  const read = async (name: string, bytes: Uint8Array) => {
    const worker = importer.current ?? csvWorkerImporter();
    importer.current = worker;
    setPhase({ kind: 'reading', name, rows: 0, fraction: 0 });
    try {
      const parsed = await worker.parse(name, bytes, (rows, fraction) => setPhase({ kind: 'reading', name, rows, fraction }));
      setChoice(defaultChoice(parsed.columns));
      setPhase({ kind: 'preview', parsed });
    } catch (e) {
      setPhase({ kind: 'error', name, message: (e as Error).message });
    }
  };
  const readFile = async (file: File) => read(file.name, new Uint8Array(await file.arrayBuffer()));
  // The drop listener below reads through this, so it is registered once.
  const readFileRef = useRef(readFile);
  useEffect(() => {
    readFileRef.current = readFile;
  });

  // A .csv file dropped anywhere on the window is imported (other drops are left alone).
  useEffect(() => {
    if (locked) return;
    const isFile = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const over = (e: DragEvent) => {
      if (isFile(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      void readFileRef.current(file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [locked]);

  const choose = async () => {
    const dialog = desktopDialog();
    if (!dialog) {
      input.current?.click();
      return;
    }
    const r = await dialog();
    if (r.ok) await read(r.name, r.bytes);
    else if (!r.canceled) setPhase({ kind: 'error', name: r.name ?? 'the file', message: r.message });
  };

  const use = async (parsed: CsvParsed, c: Choice) => {
    setPhase({ kind: 'building', parsed });
    try {
      const data = await importer.current!.build(c);
      const s = store.getState();
      s.replaceDraft(withImportedData(s.draft, data));
      s.resetExperimentView();
      setPhase({ kind: 'idle' });
    } catch (e) {
      setPhase({ kind: 'error', name: parsed.name, message: (e as Error).message });
      if (!(e instanceof CsvImportError)) throw e;
    }
  };

  const parsed = phase.kind === 'preview' || phase.kind === 'building' ? phase.parsed : null;
  const numeric = new Set(parsed?.columns.filter((c) => c.numeric).map((c) => c.name));
  const set = (patch: Partial<Choice>) => setChoice((c) => (c ? { ...c, ...patch } : c));

  return (
    <section className="data-import" aria-label="Your own data">
      <h2>Your own data</h2>
      <div className="import-row">
        <button type="button" onClick={() => void choose()} disabled={locked || phase.kind === 'reading' || phase.kind === 'building'}>
          Import CSV…
        </button>
        <input
          ref={input}
          type="file"
          accept=".csv,.tsv,.txt,text/csv"
          aria-label="CSV file"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void readFile(f);
          }}
        />
        <span className="hint">or drop a .csv file on the window</span>
      </div>
      {source && phase.kind === 'idle' ? (
        <p className="hint" data-testid="import-summary">
          Using {source.file}: {count(source.rows)} rows, {source.features} feature{source.features === 1 ? '' : 's'} →{' '}
          {source.labels ? `${source.labels.length} classes (${source.labels.join(', ')})` : 'a number'}.
        </p>
      ) : null}
      {phase.kind === 'reading' ? (
        <div className="import-progress">
          <progress aria-label={`Reading ${phase.name}`} value={phase.fraction} max={1} />
          <span role="status">
            Reading {phase.name}: {count(phase.rows)} rows ({Math.round(phase.fraction * 100)} %)
          </span>
        </div>
      ) : null}
      {phase.kind === 'error' ? (
        <p className="field-msg import-error" role="alert">
          {phase.name}: {phase.message}
        </p>
      ) : null}
      {parsed && choice ? (
        <div className="import-preview">
          <p className="hint">
            {parsed.name}: {count(parsed.rows)} rows, {parsed.columns.length} columns, separated by {parsed.delimiter === '\t' ? 'tabs' : `“${parsed.delimiter}”`}.
          </p>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Preview (scrollable)">
            <table>
              <caption>First {Math.min(parsed.preview.length, parsed.rows)} rows</caption>
              <thead>
                <tr>
                  {parsed.columns.map((c) => (
                    <th key={c.name} scope="col">
                      {c.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {parsed.preview.map((row, i) => (
                  <tr key={i}>
                    {row.map((v, j) => (
                      <td key={j}>{v}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-target`}>Target column</label>
            <select
              id={`${ids}-target`}
              value={choice.target ?? ''}
              onChange={(e) => {
                const target = e.target.value || null;
                const info = parsed.columns.find((c) => c.name === target);
                set({ target, features: choice.features.filter((f) => f !== target), targetKind: info && info.numeric && info.distinct > 10 ? 'numeric' : 'classes' });
              }}
            >
              <option value="">(choose)</option>
              {parsed.columns.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-kind`}>Target is</label>
            <select id={`${ids}-kind`} value={choice.targetKind} onChange={(e) => set({ targetKind: e.target.value as TargetKind })}>
              <option value="classes">Class labels (one output per class)</option>
              <option value="numeric">A number (regression)</option>
            </select>
          </div>
          <fieldset className="import-features">
            <legend>Feature columns</legend>
            {parsed.columns
              .filter((c) => c.name !== choice.target)
              .map((c) => (
                <label key={c.name} className={numeric.has(c.name) ? '' : 'non-numeric'}>
                  <input
                    type="checkbox"
                    checked={choice.features.includes(c.name)}
                    onChange={(e) => set({ features: e.target.checked ? parsed.columns.map((x) => x.name).filter((n) => n === c.name || choice.features.includes(n)) : choice.features.filter((f) => f !== c.name) })}
                  />
                  {c.name}
                  {numeric.has(c.name) ? null : <span className="hint"> (not numbers)</span>}
                </label>
              ))}
          </fieldset>
          <label className="field checkbox">
            <input type="checkbox" checked={choice.standardize} onChange={(e) => set({ standardize: e.target.checked })} />
            Standardise features (training rows' mean and std)
          </label>
          <div className="import-row">
            <button type="button" disabled={phase.kind === 'building'} onClick={() => void use(parsed, choice)}>
              Use this data
            </button>
            <button type="button" onClick={() => setPhase({ kind: 'idle' })}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
