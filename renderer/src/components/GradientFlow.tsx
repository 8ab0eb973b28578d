/**
 * Per-layer gradient norms over the recorded steps (log scale), one small multiple per shown run on a
 * shared axis, and the share of dead (relu) or saturated (tanh, sigmoid) units: vanishing gradients show
 * as early layers sinking decades below the last one, exploding ones as a climb into the overflow band,
 * a dead net as lines dropping onto the floor band. Drawn from the step-scheduled history, so a fast
 * run keeps its first steps.
 */
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { fmtInt, fmtLoss, fmtPct } from '../format';
import { RUN_COLORS } from '../palette';
import { fmtBanded, gradientChartRows, sharedGradientAxis, stuckFraction } from '../state/history-data';
import { fmtDecade } from '../state/chart-data';
import { DataTable, useDataToggle, type Cell } from './DataTable';
import { useShownRuns } from './useShownRuns';
import { useThrottledTick } from './useThrottledTick';

/** Layers are told apart by dash as well as colour, so a run's lines read without colour vision. */
const LAYER_COLORS = RUN_COLORS; // Okabe–Ito without black, which vanishes on presentation's background
const LAYER_DASH = ['', '6 3', '2 2', '8 3 2 3', '1 3', '10 4'];
const layerColor = (i: number) => LAYER_COLORS[i % LAYER_COLORS.length]!;
const layerDash = (i: number) => LAYER_DASH[i % LAYER_DASH.length]!;

export function GradientFlow() {
  const tick = useThrottledTick(1000);
  const shown = useShownRuns();
  const [showData, dataButton] = useDataToggle();
  const key = shown.map((s) => s.run.id).join(',');

  const model = useMemo(() => {
    const axis = sharedGradientAxis(shown.map((s) => ({ values: s.run.history.flatMap((e) => e.layers.map((l) => l.gradNorm)), diverged: s.run.phase === 'diverged' })));
    const maxStep = Math.max(1, ...shown.map((s) => s.run.history.at(-1)?.step ?? 0));
    const panels = shown.map((s) => ({ ...s, rows: gradientChartRows(s.run.history, axis) }));
    return { axis, maxStep, panels };
    // tick: histories grow in place and are published by tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);

  const table = useMemo(() => {
    if (!showData) return null;
    const layers = Math.max(0, ...shown.map((s) => s.run.experiment.layers.length));
    const columns = ['Run', 'Step'];
    for (let i = 0; i < layers; i++) columns.push(`Layer ${i + 1} gradient norm`, `Layer ${i + 1} dead or saturated`);
    const rows: Cell[][] = [];
    for (const s of shown) {
      for (const e of s.run.history) {
        const row: Cell[] = [s.run.label, e.step];
        for (let i = 0; i < layers; i++) {
          const l = e.layers[i];
          const f = l ? stuckFraction(l) : null;
          row.push(l ? fmtBanded(l.gradNorm, fmtLoss) : '—', f ? `${fmtPct(f.value)} ${f.kind}` : '—');
        }
        rows.push(row);
      }
    }
    return { columns, rows };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [showData, key, tick]);

  const summary = shown.length
    ? shown
        .map(({ run }) => {
          const e = run.history.at(-1);
          if (!e) return `${run.label}: no steps yet`;
          const stuck = e.layers.flatMap((l, i) => {
            const f = stuckFraction(l);
            return f ? [`layer ${i + 1} ${fmtPct(f.value)} ${f.kind}`] : [];
          });
          return `${run.label} at step ${fmtInt(e.step)}: gradient norms ${e.layers.map((l, i) => `layer ${i + 1} ${fmtBanded(l.gradNorm, fmtLoss)}`).join(', ')}${stuck.length ? `; units ${stuck.join(', ')}` : ''}`;
        })
        .join('. ') + '.'
    : 'No gradients yet: train a step.';

  const { axis, panels, maxStep } = model;
  const layerCount = Math.max(0, ...shown.map((s) => s.run.experiment.layers.length));
  return (
    <figure className="view gradient-flow" aria-label="Gradient flow">
      <figcaption>
        <h2>Gradient flow</h2>
        {dataButton}
      </figcaption>
      <p className="summary">{summary}</p>
      <ul className="series-list layer-legend" aria-label="Layers">
        {Array.from({ length: layerCount }, (_, i) => (
          <li key={i}>
            <svg width="28" height="10" aria-hidden="true">
              <line x1="0" y1="5" x2="28" y2="5" stroke={layerColor(i)} strokeWidth="2" strokeDasharray={layerDash(i)} />
            </svg>
            layer {i + 1}
            {i === layerCount - 1 ? ' (output)' : ''}
          </li>
        ))}
        <li className="hint">
          bottom band: norm 0 (dead) · top band: ∞ or NaN (overflow){axis.offScale ? `, or above ${fmtDecade(axis.hi)} for a diverging run (off scale; exact values in the data)` : ''}
        </li>
      </ul>
      <div className="multiples" aria-hidden="true">
        {panels.map(({ run, color, rows }) => (
          <div key={run.id} className="multiple">
            <h3>
              <span className="swatch" style={{ background: color }} />
              {run.label}
            </h3>
            <div className="chart-box tiny">
              <ResponsiveContainer width="100%" height="100%">
                <LineChart accessibilityLayer={false} data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
                  <ReferenceArea y1={axis.floorBand[0]} y2={axis.floorBand[1]} fill="#999999" fillOpacity={0.25} ifOverflow="hidden" label={{ value: '0 (dead)', position: 'insideBottomLeft', fontSize: 10 }} />
                  <ReferenceArea y1={axis.overflowBand[0]} y2={axis.overflowBand[1]} fill="#D55E00" fillOpacity={0.18} ifOverflow="hidden" label={{ value: axis.offScale ? '∞ / NaN / off scale' : '∞ / NaN', position: 'insideTopLeft', fontSize: 10 }} />
                  <XAxis dataKey="step" type="number" domain={[0, maxStep]} tickFormatter={fmtInt} stroke="var(--fg-muted)" fontSize={10} />
                  <YAxis scale="log" domain={axis.domain} ticks={axis.ticks} allowDataOverflow tickFormatter={fmtDecade} width={44} stroke="var(--fg-muted)" fontSize={10} />
                  <Tooltip isAnimationActive={false} formatter={(v) => fmtLoss(Number(v))} labelFormatter={(l) => `step ${fmtInt(Number(l))}`} />
                  {run.experiment.layers.map((_, i) => (
                    <Line key={i} dataKey={`g${i}`} name={`layer ${i + 1}`} stroke={layerColor(i)} strokeDasharray={layerDash(i)} dot={rows.length < 3} isAnimationActive={false} />
                  ))}
                </LineChart>
              </ResponsiveContainer>
            </div>
            {run.experiment.layers.some((l) => l.activation === 'relu' || l.activation === 'tanh' || l.activation === 'sigmoid') ? (
              <div className="chart-box tiny">
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart accessibilityLayer={false} data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
                    <XAxis dataKey="step" type="number" domain={[0, maxStep]} tickFormatter={fmtInt} stroke="var(--fg-muted)" fontSize={10} />
                    <YAxis domain={[0, 1]} ticks={[0, 0.5, 1]} tickFormatter={(v: number) => fmtPct(v)} width={44} stroke="var(--fg-muted)" fontSize={10} />
                    <Tooltip isAnimationActive={false} formatter={(v) => fmtPct(Number(v))} labelFormatter={(l) => `step ${fmtInt(Number(l))}`} />
                    {run.experiment.layers.map((l, i) =>
                      l.activation === 'relu' || l.activation === 'tanh' || l.activation === 'sigmoid' ? (
                        <Line key={i} dataKey={`f${i}`} name={`layer ${i + 1} ${l.activation === 'relu' ? 'dead' : 'saturated'}`} stroke={layerColor(i)} strokeDasharray={layerDash(i)} dot={false} isAnimationActive={false} />
                      ) : null,
                    )}
                  </LineChart>
                </ResponsiveContainer>
                <p className="chart-note">dead (relu) / saturated (tanh, sigmoid) units</p>
              </div>
            ) : null}
          </div>
        ))}
      </div>
      {showData && table ? <DataTable name="Gradient flow data" columns={table.columns} rows={table.rows} /> : null}
    </figure>
  );
}
