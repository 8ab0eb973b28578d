/**
 * The Sweep panel: axes and values over the experiment in the controls, Run and Cancel with progress,
 * then the results — a sortable table (CSV export), loss vs learning rate, the stability map and
 * parallel coordinates. Any row, cell or line opens that run in the lab.
 */
import { useMemo, useState } from 'react';
import { logspace, SWEEP_AXES } from '../../../core/sweep';
import { useLab } from '../context';
import { fmtInt, fmtLoss, fmtPct, fmtRate } from '../format';
import { INIT_LABEL } from '../state/draft';
import { sortRuns, STABILITY_STYLE, stabilityOf, valueLabel, type SortKey, type SweepRow } from '../state/sweep-results';
import { LossVsLearningRate, ParallelCoordinates, StabilityMap } from './SweepCharts';
import { download } from './download';

function LogspaceHelper({ onFill }: { onFill: (text: string) => void }) {
  const [from, setFrom] = useState('-3');
  const [to, setTo] = useState('0');
  const [count, setCount] = useState('4');
  const f = Number(from);
  const t = Number(to);
  const n = Number(count);
  const ok = from.trim() !== '' && to.trim() !== '' && Number.isFinite(f) && Number.isFinite(t) && Number.isInteger(n) && n >= 1 && n <= 50;
  return (
    <span className="logspace">
      <label>
        10^ from <input size={3} value={from} onChange={(e) => setFrom(e.target.value)} aria-label="Logspace from exponent" />
      </label>{' '}
      <label>
        to <input size={3} value={to} onChange={(e) => setTo(e.target.value)} aria-label="Logspace to exponent" />
      </label>{' '}
      <label>
        count <input size={3} value={count} onChange={(e) => setCount(e.target.value)} aria-label="Logspace count" />
      </label>{' '}
      <button type="button" disabled={!ok} onClick={() => onFill(logspace(f, t, n).map(String).join(', '))}>
        Fill logspace
      </button>
    </span>
  );
}

function AxisPicker() {
  const axes = useLab((s) => s.sweep.axes);
  const setAxis = useLab((s) => s.setSweepAxis);
  const running = useLab((s) => s.sweep.phase === 'running');
  return (
    <fieldset className="sweep-axes" disabled={running}>
      <legend>Axes (the grid is their product; base: the experiment in the controls)</legend>
      {SWEEP_AXES.map((a) => {
        const on = axes[a.name] !== undefined;
        return (
          <div key={a.name} className="sweep-axis">
            <label>
              <input type="checkbox" checked={on} onChange={(e) => setAxis(a.name, e.target.checked ? '' : null)} /> {a.name}
            </label>
            {on ? (
              <>
                <input type="text" className="axis-values" value={axes[a.name]} onChange={(e) => setAxis(a.name, e.target.value)} aria-label={`${a.name} values`} placeholder="values, comma-separated" />
                {a.logspace ? <LogspaceHelper onFill={(t) => setAxis(a.name, t)} /> : null}
              </>
            ) : null}
            <span className="hint">{a.description}</span>
          </div>
        );
      })}
    </fieldset>
  );
}


const paramText = (name: string, v: SweepRow['params'][string] | undefined) =>
  name === 'learningRate' && typeof v === 'number' ? fmtRate(v) : name === 'init.weights' && typeof v === 'string' ? (INIT_LABEL[v as keyof typeof INIT_LABEL] ?? v) : valueLabel(v);

function ResultsTable({ runs, axisNames, onOpen }: { runs: readonly SweepRow[]; axisNames: string[]; onOpen: (index: number) => void }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'index', desc: false });
  const sorted = useMemo(() => sortRuns(runs, sort.key, sort.desc), [runs, sort]);
  const cols: { key: SortKey; label: string }[] = [
    { key: 'index', label: '#' },
    ...axisNames.map((n) => ({ key: `param:${n}` as SortKey, label: n })),
    { key: 'status', label: 'Outcome' },
    { key: 'finalLoss', label: 'Final loss' },
    { key: 'minLoss', label: 'Min loss' },
    { key: 'divergedAtStep', label: 'Diverged at' },
    { key: 'testLoss', label: 'Test loss' },
    { key: 'accuracy', label: 'Accuracy' },
    { key: 'seconds', label: 'Seconds' },
  ];
  return (
    <div className="sweep-table-box">
      <table className="compare-table sweep-table">
        <caption>Sweep results</caption>
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c.key} scope="col" aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                <button type="button" className="sort-button" onClick={() => setSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : false })}>
                  {c.label}
                  <span aria-hidden="true">{sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => {
            const s = stabilityOf(r);
            return (
              <tr key={r.index} className={`sweep-row ${s}`} onClick={() => onOpen(r.index)} data-index={r.index}>
                <th scope="row">
                  <button type="button" className="link-button" onClick={(e) => (e.stopPropagation(), onOpen(r.index))} aria-label={`Open run #${r.index} in the lab`}>
                    {r.index}
                  </button>
                </th>
                {axisNames.map((n) => (
                  <td key={n}>{paramText(n, r.params[n])}</td>
                ))}
                <td title={r.error}>
                  <span className="stability-swatch" style={{ background: STABILITY_STYLE[s].color }} aria-hidden="true">
                    {STABILITY_STYLE[s].mark}
                  </span>{' '}
                  {s}
                  {r.error ? <span className="error-text"> — {r.error}</span> : null}
                </td>
                <td data-value={r.finalLoss ?? undefined}>{fmtLoss(r.finalLoss)}</td>
                <td>{fmtLoss(r.minLoss)}</td>
                <td>{r.divergedAtStep === null ? '—' : fmtInt(r.divergedAtStep)}</td>
                <td>{fmtLoss(r.testLoss)}</td>
                <td>{fmtPct(r.accuracy)}</td>
                <td>{r.seconds === null ? '—' : r.seconds.toFixed(3)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function Sweep() {
  const sweep = useLab((s) => s.sweep);
  const start = useLab((s) => s.startSweep);
  const cancel = useLab((s) => s.cancelSweep);
  const open = useLab((s) => s.openSweepRun);
  const csvFile = useLab((s) => s.sweepCsvFile);
  const valid = useLab((s) => s.validation.ok);
  const running = sweep.phase === 'running';
  const axisNames = Object.keys(sweep.axisValues);
  const p = sweep.progress;
  const failed = sweep.runs.filter((r) => r.status === 'failed').length;
  return (
    <section className="view sweep" aria-label="Sweep">
      <h2>Sweep</h2>
      <AxisPicker />
      <div className="row">
        <button type="button" onClick={start} disabled={running || !valid || !sweep.workers}>
          Run sweep
        </button>
        <button type="button" onClick={cancel} disabled={!running}>
          Cancel sweep
        </button>
        {sweep.workers ? <span className="hint">{sweep.workers} workers</span> : null}
      </div>
      {sweep.error ? (
        <p className="error-text" role="alert">
          {sweep.error}
        </p>
      ) : null}
      {sweep.phase !== 'idle' ? (
        <div className="sweep-progress">
          <progress max={1} value={running ? (p?.fraction ?? 0) : 1} aria-label="Sweep progress" />{' '}
          <span data-testid="sweep-status">
            {running ? 'running' : sweep.phase} · {sweep.runs.filter((r) => r.status !== 'stopped').length} of {sweep.points.length} runs ended
            {failed ? ` · ${failed} failed` : ''}
            {sweep.seconds !== null ? ` · ${sweep.seconds.toFixed(1)} s` : ''}
          </span>
        </div>
      ) : null}
      {sweep.runs.length ? (
        <>
          <div className="row">
            <button type="button" onClick={() => void csvFile().then((f) => f && download(f.name, f.text, f.type))}>
              Export CSV
            </button>
            <span className="hint">click a row, cell or line to open that run in the lab</span>
          </div>
          <ResultsTable runs={sweep.runs} axisNames={axisNames} onOpen={open} />
          <div className="sweep-charts">
            {sweep.axisValues.learningRate ? <LossVsLearningRate runs={sweep.runs} /> : null}
            <StabilityMap runs={sweep.runs} axes={sweep.axisValues} onOpen={open} />
            <ParallelCoordinates runs={sweep.runs} axes={sweep.axisValues} onOpen={open} />
          </div>
        </>
      ) : null}
    </section>
  );
}
