/**
 * The sweep's pictures: final loss against learning rate (a line per init scheme, a band over seeds),
 * the stability map, and parallel coordinates as in TensorBoard's HParams. Each run or cell opens
 * that run in the lab.
 */
import { useMemo, useState } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AxisValue } from '../../../core/sweep';
import { fmtLoss, fmtRate } from '../format';
import { runColor } from '../palette';
import { INIT_LABEL } from '../state/draft';
import { lossVsLearningRate, STABILITY_STYLE, stabilityGrid, stabilityOf, valueKey, valueLabel, type Stability, type SweepRow } from '../state/sweep-results';

const seriesLabel = (name: string) => INIT_LABEL[name as keyof typeof INIT_LABEL] ?? name;

export function LossVsLearningRate({ runs }: { runs: readonly SweepRow[] }) {
  const chart = useMemo(() => lossVsLearningRate(runs), [runs]);
  const positive = chart.points.every((p) => chart.series.every((s) => {
    const band = p[`${s}:band`] as [number, number] | undefined;
    return !band || band[0] > 0;
  }));
  const summary = chart.points.length
    ? chart.series
        .map((s) => `${seriesLabel(s)}: ${chart.points.map((p) => `rate ${fmtRate(p.learningRate)} median ${fmtLoss(p[`${s}:median`] as number | undefined)}`).join(', ')}`)
        .join('; ')
    : 'No finished runs with a learning rate yet.';
  return (
    <figure className="view sweep-lr-chart" aria-label="Final loss vs learning rate">
      <figcaption>
        <h3>Final loss vs learning rate</h3>
        <span className="hint">line: median over seeds · band: min–max · log x</span>
      </figcaption>
      <p className="sr-only">{summary}</p>
      <div className="chart-box" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart accessibilityLayer={false} data={chart.points} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis dataKey="learningRate" type="number" scale="log" domain={['dataMin', 'dataMax']} tickFormatter={fmtRate} stroke="var(--fg-muted)" />
            <YAxis scale={positive ? 'log' : 'linear'} domain={['auto', 'auto']} tickFormatter={(v: number) => fmtLoss(v)} width={80} stroke="var(--fg-muted)" />
            <Tooltip isAnimationActive={false} formatter={(v) => (Array.isArray(v) ? `${fmtLoss(v[0] as number)} – ${fmtLoss(v[1] as number)}` : fmtLoss(v as number))} labelFormatter={(l) => `learning rate ${fmtRate(l as number)}`} />
            {chart.series.map((s, i) => (
              <Area key={`b${s}`} dataKey={`${s}:band`} name={`${seriesLabel(s)} min–max`} stroke="none" fill={runColor(i)} fillOpacity={0.18} isAnimationActive={false} connectNulls />
            ))}
            {chart.series.map((s, i) => (
              <Line key={`m${s}`} dataKey={`${s}:median`} name={`${seriesLabel(s)} median`} stroke={runColor(i)} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} connectNulls />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <ul className="series-list" aria-label="Legend">
        {chart.series.map((s, i) => (
          <li key={s}>
            <span className="swatch" style={{ background: runColor(i) }} aria-hidden="true" />
            {seriesLabel(s)}
          </li>
        ))}
        <li className="hint">diverged runs leave the band</li>
      </ul>
    </figure>
  );
}

export function StabilityLegend() {
  return (
    <ul className="series-list stability-legend" aria-label="Stability legend">
      {(Object.keys(STABILITY_STYLE) as Stability[]).map((s) => (
        <li key={s}>
          <span className="stability-swatch" style={{ background: STABILITY_STYLE[s].color }} aria-hidden="true">
            {STABILITY_STYLE[s].mark}
          </span>{' '}
          {STABILITY_STYLE[s].label}
        </li>
      ))}
    </ul>
  );
}

/** Default pair: learning rate × depth if both are swept, else the first two axes with more than one value. */
function defaultPair(axes: Record<string, AxisValue[]>): [string, string | null] {
  const names = Object.keys(axes).sort((a, b) => (axes[b]!.length > 1 ? 1 : 0) - (axes[a]!.length > 1 ? 1 : 0));
  const x = axes.learningRate ? 'learningRate' : names[0]!;
  const y = axes.depth && x !== 'depth' ? 'depth' : (names.find((n) => n !== x && n !== 'seed') ?? null);
  return [x, y];
}

export function StabilityMap({ runs, axes, onOpen }: { runs: readonly SweepRow[]; axes: Record<string, AxisValue[]>; onOpen: (index: number) => void }) {
  const names = Object.keys(axes);
  const [pair, setPair] = useState<[string, string | null] | null>(null);
  const [x, y] = pair && names.includes(pair[0]) && (pair[1] === null || names.includes(pair[1])) ? pair : defaultPair(axes);
  const grid = useMemo(() => stabilityGrid(runs, axes, x, y), [runs, axes, x, y]);
  if (!names.length) return null;
  return (
    <section className="view stability-map" aria-label="Stability map">
      <h3>Stability map</h3>
      <div className="row">
        <label>
          Across{' '}
          <select value={x} onChange={(e) => setPair([e.target.value, y === e.target.value ? null : y])}>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          Down{' '}
          <select value={y ?? ''} onChange={(e) => setPair([x, e.target.value || null])}>
            <option value="">(none)</option>
            {names
              .filter((n) => n !== x)
              .map((n) => (
                <option key={n}>{n}</option>
              ))}
          </select>
        </label>
      </div>
      <table className="stability-grid">
        <caption className="sr-only">
          Stability of runs by {x}
          {y ? ` and ${y}` : ''}; each cell shows the most common outcome over the other axes
        </caption>
        <thead>
          <tr>
            <th scope="col">{y ? `${y} \\ ${x}` : x}</th>
            {grid.xs.map((xv) => (
              <th scope="col" key={valueKey(xv)}>
                {x === 'learningRate' && typeof xv === 'number' ? fmtRate(xv) : valueLabel(xv)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.ys.map((yv) => (
            <tr key={valueKey(yv)}>
              <th scope="row">{y ? valueLabel(yv) : ''}</th>
              {grid.xs.map((xv) => {
                const cell = grid.cells.find((c) => c.x === xv && c.y === yv)!;
                const style = STABILITY_STYLE[cell.stability];
                const ran = cell.runs.length - cell.counts.stopped;
                const text = `${style.mark} ${cell.counts[cell.stability]}/${cell.runs.length}`;
                return (
                  <td key={valueKey(xv)} style={{ background: style.color }}>
                    {cell.runs.length ? (
                      <button
                        type="button"
                        className="cell-button"
                        onClick={() => onOpen(cell.runs[0]!.index)}
                        aria-label={`${x} ${valueLabel(xv)}${y ? `, ${y} ${valueLabel(yv)}` : ''}: ${cell.stability} (${cell.counts[cell.stability]} of ${cell.runs.length}${ran < cell.runs.length ? `, ${cell.runs.length - ran} not run` : ''}); open run #${cell.runs[0]!.index}`}
                      >
                        {text}
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <StabilityLegend />
    </section>
  );
}

const PC_W = 640;
const PC_H = 220;
const PAD = { top: 24, bottom: 28, left: 40, right: 40 };

/** Parallel coordinates: an axis per swept parameter and one for final loss (log), a line per run. */
export function ParallelCoordinates({ runs, axes, onOpen }: { runs: readonly SweepRow[]; axes: Record<string, AxisValue[]>; onOpen: (index: number) => void }) {
  const names = Object.keys(axes);
  const finite = runs.map((r) => r.finalLoss).filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  const lo = finite.length ? Math.log10(Math.min(...finite)) : 0;
  const hi = finite.length ? Math.log10(Math.max(...finite)) : 1;
  const cols = [...names, 'final loss'];
  const xOf = (i: number) => PAD.left + (cols.length > 1 ? (i * (PC_W - PAD.left - PAD.right)) / (cols.length - 1) : 0);
  const inner = PC_H - PAD.top - PAD.bottom;
  const yOfValue = (name: string, v: AxisValue | undefined) => {
    const values = axes[name]!;
    const i = values.findIndex((x) => x === v);
    // Values in sorted order bottom to top (numbers by size), so a trend reads as a slope.
    const sorted = [...values].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : 0));
    const j = typeof v === 'number' ? sorted.indexOf(v) : i;
    return PAD.top + inner - (values.length > 1 ? (j * inner) / (values.length - 1) : inner / 2);
  };
  const yOfLoss = (v: number | null) => {
    if (v === null || !Number.isFinite(v) || v <= 0) return PAD.top - 12; // off the scale: diverged
    return PAD.top + inner - (hi > lo ? ((Math.log10(v) - lo) / (hi - lo)) * inner : inner / 2);
  };
  const drawn = runs.filter((r) => r.status !== 'stopped');
  return (
    <figure className="view parallel-coords" aria-label="Parallel coordinates">
      <figcaption>
        <h3>Parallel coordinates</h3>
        <span className="hint">one line per run, coloured by stability; click a line to open its run</span>
      </figcaption>
      <svg viewBox={`0 0 ${PC_W} ${PC_H}`} role="img" aria-label={`${drawn.length} runs across ${cols.join(', ')}`} className="pc-svg">
        {drawn.map((r) => {
          const pts = [...names.map((n, i) => `${xOf(i)},${yOfValue(n, r.params[n])}`), `${xOf(names.length)},${yOfLoss(r.status === 'diverged' ? null : r.finalLoss)}`];
          const s = stabilityOf(r);
          return (
            <polyline key={r.index} points={pts.join(' ')} fill="none" stroke={s === 'failed' ? '#000' : STABILITY_STYLE[s].color} strokeWidth={1.8} strokeOpacity={0.85} strokeDasharray={s === 'dead' ? '5 3' : s === 'failed' ? '2 2' : undefined} onClick={() => onOpen(r.index)} className="pc-line">
              <title>{`run #${r.index}: ${names.map((n) => `${n} ${valueLabel(r.params[n])}`).join(', ')}; final loss ${fmtLoss(r.finalLoss)} (${s})`}</title>
            </polyline>
          );
        })}
        {cols.map((c, i) => (
          <g key={c}>
            <line x1={xOf(i)} x2={xOf(i)} y1={PAD.top} y2={PAD.top + inner} stroke="var(--fg-muted)" />
            <text x={xOf(i)} y={PC_H - 8} textAnchor="middle" className="pc-label">
              {c}
            </text>
            {c === 'final loss'
              ? [lo, hi].map((e, k) => (
                  <text key={k} x={xOf(i) + 4} y={PAD.top + inner - (k ? inner : 0)} className="pc-tick">
                    {fmtLoss(10 ** e)}
                  </text>
                ))
              : axes[c]!.map((v) => (
                  <text key={valueKey(v)} x={xOf(i) + 4} y={yOfValue(c, v) + 3} className="pc-tick">
                    {c === 'learningRate' && typeof v === 'number' ? fmtRate(v) : c === 'init.weights' ? seriesLabel(String(v)) : valueLabel(v)}
                  </text>
                ))}
          </g>
        ))}
        <text x={xOf(names.length) + 4} y={PAD.top - 14} className="pc-tick">
          diverged
        </text>
      </svg>
    </figure>
  );
}
