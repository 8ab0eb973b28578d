/**
 * Distributions per layer over training — weights, biases, activations or gradients — from the
 * step-scheduled history, one panel per shown run. TensorBoard's two modes: offset (a ridgeline, oldest
 * recorded step at the back, now at the front) and overlay (every step on one baseline, older fainter).
 * With a shared value axis the schemes' spreads compare at a glance; each panel prints the std now and at
 * step 0 beside what the init schemes draw (standard normal 1, Xavier √(2/(fan_in+fan_out)), He √(2/fan_in)),
 * and marks ±1/√fan_in and those stds on the weight axis. For activations it prints what each scheme
 * predicts for the layer at step 0 (state/init-reference.ts: the variance propagated from the data
 * through the layers) and marks the Xavier and He predictions on the axis.
 */
import { useMemo } from 'react';
import type { HistoryEntry } from '../../../core';
import { useLab } from '../context';
import { fmtInt, fmtLoss } from '../format';
import { histogramOf, histTotal, initStds, sharedValueRange, stdOf, valueRange } from '../state/history-data';
import { inputSecondMoment, predictedActivationStds } from '../state/init-reference';
import { plotData } from '../state/plot-data';
import { pickEvenly, rebin } from '../state/ridgeline';
import type { Run } from '../state/run';
import { HIST_KINDS, type HistKind } from '../state/view';
import { DataTable, useDataToggle, type Cell } from './DataTable';
import { useShownRuns } from './useShownRuns';
import { useThrottledTick } from './useThrottledTick';

const W = 300;
const ROW_H = 7;
const PEAK = 40;
const BINS = 48;
const MAX_ROWS = 24;

interface Rows {
  step: number;
  heights: number[];
}

interface Panel {
  run: Run;
  color: string;
  xMin: number;
  xMax: number;
  rows: Rows[];
  nonFinite: number;
  /** Share of the latest row's finite values beyond the shared axis (cut short for a diverging run). */
  offScale: number;
  std: { now: number | null; first: number | null };
  refs: { label: string; x: number }[];
  fanIn: number | null;
  /** Activations: each scheme's predicted std for this layer at step 0, and the E[x²] it starts from. */
  predicted: { standardNormal: number; xavier: number; he: number; x2: number } | null;
}

/** Each scheme's predicted activation std for `layer` of `run`'s experiment at step 0 (see init-reference.ts). */
function predictedFor(run: Run, layer: number): Panel['predicted'] {
  const exp = run.experiment;
  if (!exp.layers[layer]) return null;
  const d = plotData(exp);
  const x2 = inputSecondMoment(d.x, d.samples - d.testRows, d.inputs);
  const at = (scheme: 'standard-normal' | 'xavier' | 'he') => predictedActivationStds(exp, scheme, x2)[layer]!;
  return { standardNormal: at('standard-normal'), xavier: at('xavier'), he: at('he'), x2 };
}

function entriesOf(run: Run, layer: number, kind: HistKind): { e: HistoryEntry; h: NonNullable<ReturnType<typeof histogramOf>> }[] {
  const out = [];
  for (const e of run.history) {
    const l = e.layers[layer];
    const h = l ? histogramOf(l, kind) : null;
    if (h) out.push({ e, h });
  }
  return out;
}

function rangeOf(items: readonly { h: { min: number; max: number } }[]): [number, number] {
  return valueRange(items.map((i) => i.h));
}

function Distribution({ p, mode, layer, kind }: { p: Panel; mode: 'offset' | 'overlay'; layer: number; kind: HistKind }) {
  const rows = p.rows;
  const offset = mode === 'offset';
  const height = PEAK + (offset ? ROW_H * Math.max(0, rows.length - 1) : 0) + 24;
  const sx = (v: number) => ((v - p.xMin) / (p.xMax - p.xMin)) * W;
  const first = rows[0];
  const last = rows.at(-1);
  const desc = last
    ? `${p.run.label}, layer ${layer + 1} ${kind}: ${rows.length} recorded steps from ${first!.step} to ${last.step}; values from ${fmtLoss(p.xMin)} to ${fmtLoss(p.xMax)}; std now ${fmtLoss(p.std.now)}, at step 0 ${fmtLoss(p.std.first)}.`
    : p.run.history.length > 0
      ? `${p.run.label}, layer ${layer + 1} ${kind}: no histogram recorded (see the note below).`
      : `${p.run.label}, layer ${layer + 1} ${kind}: nothing recorded yet.`;
  return (
    <svg viewBox={`0 0 ${W} ${height}`} width="100%" role="img" aria-label={desc} className="ridgeline">
      {rows.map((r, k) => {
        const base = PEAK + (offset ? k * ROW_H : 0);
        let d = `M0 ${base}`;
        r.heights.forEach((h, i) => {
          d += ` L${(i / BINS) * W} ${base - h * PEAK} L${((i + 1) / BINS) * W} ${base - h * PEAK}`;
        });
        d += ` L${W} ${base} Z`;
        const isLast = k === rows.length - 1;
        const age = rows.length > 1 ? k / (rows.length - 1) : 1;
        return (
          <g key={k}>
            <path
              d={d}
              fill={offset ? p.color : 'none'}
              fillOpacity={offset ? (isLast ? 0.75 : 0.25) : 0}
              stroke={p.color}
              strokeOpacity={offset ? (isLast ? 1 : 0.6) : 0.15 + 0.85 * age}
              strokeWidth={isLast ? 1.5 : 0.75}
            />
            {offset && (k % 4 === 0 || isLast) ? (
              <text x={W - 2} y={base - 1} textAnchor="end" className="ridge-step">
                {fmtInt(r.step)}
              </text>
            ) : null}
          </g>
        );
      })}
      {p.refs.map((ref) =>
        ref.x > p.xMin && ref.x < p.xMax ? (
          <g key={ref.label}>
            <line x1={sx(ref.x)} x2={sx(ref.x)} y1={0} y2={height - 20} stroke="var(--fg-muted)" strokeDasharray="3 3" strokeWidth={0.8} />
            <text x={sx(ref.x) + 2} y={8} className="ridge-axis">
              {ref.label}
            </text>
          </g>
        ) : null,
      )}
      <text x={0} y={height - 4} className="ridge-axis">
        {fmtLoss(p.xMin)}
      </text>
      <text x={W / 2} y={height - 4} textAnchor="middle" className="ridge-axis">
        {fmtLoss((p.xMin + p.xMax) / 2)}
      </text>
      <text x={W} y={height - 4} textAnchor="end" className="ridge-axis">
        {fmtLoss(p.xMax)}
      </text>
    </svg>
  );
}

export function WeightHistograms() {
  const tick = useThrottledTick(1500);
  const shown = useShownRuns();
  const layer = useLab((s) => s.view.histLayer);
  const kind = useLab((s) => s.view.histKind);
  const mode = useLab((s) => s.view.histMode);
  const shared = useLab((s) => s.view.histShared);
  const setView = useLab((s) => s.setView);
  const [showData, dataButton] = useDataToggle();
  const layerCount = Math.max(0, ...shown.map((s) => s.run.experiment.layers.length));
  const key = shown.map((s) => s.run.id).join(',');

  const panels: Panel[] = useMemo(() => {
    const per = shown.map((s) => ({ ...s, items: entriesOf(s.run, layer, kind) }));
    const sharedRange = sharedValueRange(per.map((p) => ({ hists: p.items.map((i) => i.h), diverged: p.run.phase === 'diverged' })));
    return per.map(({ run, color, items }) => {
      const [xMin, xMax] = shared ? sharedRange.range : rangeOf(items);
      const picked = pickEvenly(items, MAX_ROWS);
      const raw = picked.map(({ e, h }) => ({ step: e.step, counts: rebin(h, xMin, xMax, BINS) }));
      // The latest row's finite values beyond a shared axis cut short for a diverging run.
      const latest = items.at(-1)?.h;
      const latestIn = raw.at(-1)?.counts.reduce((a, b) => a + b, 0) ?? 0;
      const latestAll = latest ? latest.counts.reduce((a, b) => a + b, 0) : 0;
      const offScale = shared && sharedRange.clipped && latestAll > 0 ? Math.max(0, 1 - latestIn / latestAll) : 0;
      let peak = 0;
      for (const r of raw) for (const c of r.counts) peak = Math.max(peak, c);
      const rows = raw.map((r) => ({ step: r.step, heights: r.counts.map((c) => (peak > 0 ? c / peak : 0)) }));
      // Every entry has the scalars; only entries on the histogram schedule have histograms.
      const firstL = run.history[0]?.layers[layer];
      const lastL = run.history.at(-1)?.layers[layer];
      const units = run.experiment.layers[layer]?.units ?? 1;
      // Any entry with a weight histogram (entries off the histogram schedule have none).
      const w = run.history.find((e) => e.layers[layer]?.weights)?.layers[layer]?.weights;
      const fanIn = w ? histTotal(w) / units : null;
      const refs: { label: string; x: number }[] = [];
      if (kind === 'weights' && fanIn) {
        const s = initStds(fanIn, units);
        refs.push({ label: '−He σ', x: -s.he }, { label: 'He σ', x: s.he }, { label: 'Xavier σ', x: s.xavier }, { label: '−Xavier σ', x: -s.xavier });
      }
      const predicted = kind === 'activations' ? predictedFor(run, layer) : null;
      const activation = run.experiment.layers[layer]?.activation;
      // A std is a distance from the mean: drawn from 0 where activations centre there (linear, tanh), on
      // the positive side for relu (≥ 0); sigmoid's centre is ½, so its predictions are printed only.
      if (predicted && activation !== 'sigmoid') {
        refs.push({ label: 'Xavier σ₀', x: predicted.xavier }, { label: 'He σ₀', x: predicted.he });
        if (activation !== 'relu') refs.push({ label: '−Xavier σ₀', x: -predicted.xavier }, { label: '−He σ₀', x: -predicted.he });
      }
      return {
        run,
        color,
        xMin,
        xMax,
        rows,
        nonFinite: items.at(-1)?.h.nonFinite ?? 0,
        offScale,
        std: { now: lastL ? stdOf(lastL, kind) : null, first: firstL ? stdOf(firstL, kind) : null },
        refs,
        fanIn,
        predicted,
      };
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, layer, kind, shared, tick]);

  const table = useMemo(() => {
    if (!showData) return null;
    const rows: Cell[][] = [];
    for (const { run } of shown) {
      for (const { e, h } of entriesOf(run, layer, kind)) {
        const l = e.layers[layer]!;
        const std = stdOf(l, kind);
        rows.push([run.label, e.step, fmtLoss(h.min), fmtLoss(h.max), std === null ? '—' : fmtLoss(std), kind === 'gradients' ? fmtLoss(l.gradNorm) : '—', h.nonFinite, h.counts.join(' ')]);
      }
    }
    return rows;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [showData, key, layer, kind, tick]);

  return (
    <figure className="view histograms" aria-label="Weight histograms">
      <figcaption>
        <h2>Distributions</h2>
        {dataButton}
      </figcaption>
      <div className="view-options">
        <label className="inline">
          Layer{' '}
          <select aria-label="Histogram layer" value={layer} onChange={(e) => setView({ histLayer: Number(e.target.value) })}>
            {Array.from({ length: Math.max(layerCount, 1) }, (_, l) => (
              <option key={l} value={l}>
                {l + 1}
                {l === layerCount - 1 ? ' (output)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Values{' '}
          <select aria-label="Histogram values" value={kind} onChange={(e) => setView({ histKind: e.target.value as HistKind })}>
            {HIST_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Mode{' '}
          <select aria-label="Histogram mode" value={mode} onChange={(e) => setView({ histMode: e.target.value as 'offset' | 'overlay' })}>
            <option value="offset">offset</option>
            <option value="overlay">overlay</option>
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={shared} onChange={(e) => setView({ histShared: e.target.checked })} /> Shared value axis
        </label>
      </div>
      {panels.length === 0 ? <p className="empty">Train to see how each layer&apos;s values spread and drift.</p> : null}
      <div className="ridges">
        {panels.map((p) => {
          const s = p.fanIn ? initStds(p.fanIn, p.run.experiment.layers[layer]?.units ?? 1) : null;
          return (
            <div key={p.run.id} className="ridge-cell">
              <h3>
                <span className="swatch" style={{ background: p.color }} aria-hidden="true" />
                {p.run.label}
              </h3>
              <Distribution p={p} mode={mode} layer={layer} kind={kind} />
              {p.rows.length === 0 && p.run.history.length > 0 ? (
                <p className="hint" data-testid="no-histograms">
                  {kind === 'biases' && !p.run.experiment.bias
                    ? 'No biases in this net.'
                    : `No ${kind} histogram recorded for layer ${layer + 1}: this run trains it by the input-Gram shortcut, which never forms its weights or gradient; forming them for a histogram is kept to 3 % of the run's work, so a short run has none (std and norms are in every entry).`}
                </p>
              ) : null}
              <p className="std-line">
                {p.std.now !== null ? (
                  <>
                    std {fmtLoss(p.std.now)} (step 0: {fmtLoss(p.std.first)})
                  </>
                ) : (
                  'gradients: see the norm in Gradient flow'
                )}
                {kind === 'weights' && s && p.fanIn ? (
                  <>
                    {' '}
                    · fan_in {fmtInt(p.fanIn)}: standard normal 1, Xavier {fmtLoss(s.xavier)}, He {fmtLoss(s.he)}, 1/√fan_in {fmtLoss(s.lecun)}
                  </>
                ) : null}
                {p.predicted ? (
                  <span
                    data-testid="activation-prediction"
                    data-standard-normal={p.predicted.standardNormal}
                    data-xavier={p.predicted.xavier}
                    data-he={p.predicted.he}
                    data-measured={p.std.first ?? ''}
                  >
                    {' '}
                    · predicted at step 0 (variance propagated from E[x²] = {fmtLoss(p.predicted.x2)}, wide-layer limit): standard normal{' '}
                    {fmtLoss(p.predicted.standardNormal)}, Xavier {fmtLoss(p.predicted.xavier)}, He {fmtLoss(p.predicted.he)}
                  </span>
                ) : null}
                {p.nonFinite ? <span className="error-text"> · {fmtInt(p.nonFinite)} values ∞/NaN</span> : null}
                {p.offScale > 0.0005 ? (
                  <span className="error-text" data-testid="off-scale">
                    {' '}
                    · {(100 * p.offScale).toFixed(1)} % of the latest values off scale (the shared axis covers the runs that stayed finite; exact range in the data)
                  </span>
                ) : null}
              </p>
            </div>
          );
        })}
      </div>
      <p className="hint">
        {mode === 'offset' ? 'Back rows are early recorded steps, the solid front row is the latest; the number on each row is its step.' : 'Faint lines are early recorded steps, the strongest line is the latest.'}
      </p>
      {showData && table ? <DataTable name="Weight histograms data" columns={['Run', 'Step', 'Min', 'Max', 'Std', 'Norm', 'Non-finite', `Counts (32 bins)`]} rows={table} /> : null}
    </figure>
  );
}
