/**
 * Weight and bias distributions per layer over training, as a ridgeline: oldest snapshot at the
 * back (top), newest at the front. One ridgeline per shown run, side by side, so standard normal
 * vs Xavier vs He reads at a glance (their spreads differ by orders of magnitude at step 0).
 */
import { useMemo } from 'react';
import { useLab } from '../context';
import { fmtInt, fmtLoss } from '../format';
import { runColor } from '../palette';
import { ridgeline, type Ridgeline } from '../state/ridgeline';
import type { Run } from '../state/run';
import { useThrottledTick } from './useThrottledTick';

const W = 300;
const ROW_H = 9;
const PEAK = 34;

function RidgeSvg({ ridge, color, label }: { ridge: Ridgeline; color: string; label: string }) {
  const rows = ridge.rows;
  const height = PEAK + ROW_H * Math.max(0, rows.length - 1) + 22;
  const x = (i: number) => (i / ridge.bins) * W;
  const first = rows[0];
  const last = rows[rows.length - 1];
  const desc = last
    ? `${label}: ${rows.length} snapshots from step ${first!.step} to ${last.step}; values from ${fmtLoss(ridge.xMin)} to ${fmtLoss(ridge.xMax)}; latest mean ${fmtLoss(last.mean)}, standard deviation ${fmtLoss(last.std)}.`
    : `${label}: no snapshots yet.`;
  return (
    <svg viewBox={`0 0 ${W} ${height}`} width="100%" role="img" aria-label={desc} className="ridgeline">
      {rows.map((r, k) => {
        const base = PEAK + k * ROW_H;
        let d = `M0 ${base}`;
        r.heights.forEach((h, i) => {
          d += ` L${x(i)} ${base - h * PEAK} L${x(i + 1)} ${base - h * PEAK}`;
        });
        d += ` L${W} ${base} Z`;
        const isLast = k === rows.length - 1;
        return (
          <g key={k}>
            <path d={d} fill={color} fillOpacity={isLast ? 0.75 : 0.25} stroke={color} strokeOpacity={isLast ? 1 : 0.6} strokeWidth={isLast ? 1.5 : 0.75} />
            {k % 4 === 0 || isLast ? (
              <text x={W - 2} y={base - 1} textAnchor="end" className="ridge-step">
                {fmtInt(r.step)}
              </text>
            ) : null}
          </g>
        );
      })}
      <text x={0} y={height - 4} className="ridge-axis">
        {fmtLoss(ridge.xMin)}
      </text>
      <text x={W / 2} y={height - 4} textAnchor="middle" className="ridge-axis">
        {fmtLoss((ridge.xMin + ridge.xMax) / 2)}
      </text>
      <text x={W} y={height - 4} textAnchor="end" className="ridge-axis">
        {fmtLoss(ridge.xMax)}
      </text>
    </svg>
  );
}

export function WeightHistograms() {
  const tick = useThrottledTick(1500);
  const runs = useLab((s) => s.runs);
  const visible = useLab((s) => s.visibleRunIds);
  const layer = useLab((s) => s.view.histLayer);
  const kind = useLab((s) => s.view.histKind);
  const setView = useLab((s) => s.setView);
  const shown = runs.map((run, i) => ({ run, i })).filter(({ run }) => visible.includes(run.id)).slice(-3);
  const layerCount = shown[0]?.run.experiment.layers.length ?? 0;

  const ridges = useMemo(
    () =>
      shown.map(({ run, i }) => ({ run, color: runColor(i), ridge: ridgeOf(run, layer, kind) })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [runs, visible, layer, kind, tick],
  );

  return (
    <figure className="view histograms" aria-label="Weight histograms">
      <figcaption>
        <h2>Weight histograms</h2>
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
          <select aria-label="Histogram values" value={kind} onChange={(e) => setView({ histKind: e.target.value as 'weights' | 'biases' })}>
            <option value="weights">weights</option>
            <option value="biases">biases</option>
          </select>
        </label>
      </figcaption>
      {ridges.length === 0 ? <p className="empty">Train to see how each layer&apos;s weights spread and drift.</p> : null}
      <div className="ridges">
        {ridges.map(({ run, color, ridge }) => (
          <div key={run.id} className="ridge-cell">
            <h3>
              <span className="swatch" style={{ background: color }} aria-hidden="true" />
              {run.label}
            </h3>
            <RidgeSvg ridge={ridge} color={color} label={`${run.label}, layer ${layer + 1} ${kind}`} />
          </div>
        ))}
      </div>
      <p className="hint">Back rows are early snapshots, the solid front row is now; the number on each row is its step.</p>
    </figure>
  );
}

function ridgeOf(run: Run, layer: number, kind: 'weights' | 'biases'): Ridgeline {
  const snaps = [];
  for (const m of run.metrics.all()) {
    const l = m.layers[layer];
    const hist = l ? (kind === 'weights' ? l.weights : l.biases) : null;
    if (hist) snaps.push({ step: m.step, hist });
  }
  return ridgeline(snaps, 48, 20);
}
