/**
 * Loss per step for every shown run, overlaid: an EMA-smoothed line over the raw one drawn faint
 * (minibatch noise stays visible but does not hide the trend); hold-out loss dashed; a mark where the
 * learning rate was changed live; divergence marked, with an off-scale mark at the top when the loss
 * left the axis. Log x (step + 1) puts the first steps — where init schemes differ — in view.
 */
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceDot, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useLab } from '../context';
import { fmtInt, fmtLoss, fmtRate } from '../format';
import { fmtDecade, logAxis, lossCeiling, mergeSeries, nearest, type ChartRow, type SeriesInput } from '../state/chart-data';
import { ema } from '../state/history-data';
import type { SeriesPoint } from '../state/series';
import type { Run } from '../state/run';
import { DataTable, useDataToggle, type Cell } from './DataTable';
import { useShownRuns } from './useShownRuns';
import { useThrottledTick } from './useThrottledTick';

interface Shown {
  run: Run;
  color: string;
  loss: SeriesPoint[];
  smooth: SeriesPoint[];
  test: SeriesPoint[];
}

function HoverValues({ active, label, shown, logX }: { active?: boolean; label?: unknown; shown: Shown[]; logX: boolean }) {
  if (!active || typeof label !== 'number') return null;
  const step = logX ? label - 1 : label;
  return (
    <div className="chart-tooltip">
      <div>Step {fmtInt(step)}</div>
      {shown.map((s) => {
        const p = nearest(s.loss, step);
        const t = nearest(s.test, step);
        return (
          <div key={s.run.id}>
            <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.run.label}: {p ? fmtLoss(p.value) : '—'}
            {t ? ` (test ${fmtLoss(t.value)})` : ''}
          </div>
        );
      })}
    </div>
  );
}

export function LossChart() {
  const tick = useThrottledTick(700);
  const shownRuns = useShownRuns();
  const logScale = useLab((s) => s.view.logScale);
  const logX = useLab((s) => s.view.logX);
  const smoothing = useLab((s) => s.view.smoothing);
  const setView = useLab((s) => s.setView);
  const [showData, dataButton] = useDataToggle();
  const key = shownRuns.map((s) => `${s.run.id}:${s.color}`).join(',');

  const shown: Shown[] = useMemo(
    () =>
      shownRuns.map(({ run, color }) => {
        const loss = run.loss.points();
        const sm = ema(
          loss.map((p) => p.value),
          smoothing,
        );
        return { run, color, loss, smooth: loss.map((p, i) => ({ step: p.step, value: sm[i]! })), test: run.testLoss.points() };
      }),
    // tick: the runs' series are mutated in place and published by tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key, smoothing, tick],
  );
  const rows = useMemo(() => {
    const series: SeriesInput[] = [];
    for (const s of shown) {
      series.push({ key: `r${s.run.id}`, points: s.loss });
      if (smoothing > 0) series.push({ key: `s${s.run.id}`, points: s.smooth });
      if (s.test.length) series.push({ key: `t${s.run.id}`, points: s.test });
    }
    const merged = mergeSeries(series, logScale);
    // Log x has no place for step 0: every step is drawn at step + 1.
    return logX ? merged.map((r) => ({ ...r, step: r.step + 1 }) as ChartRow) : merged;
  }, [shown, logScale, logX, smoothing]);
  const log = logScale ? logAxis(rows, 7, lossCeiling(shown.map((s) => s.loss))) : null;
  const lastStep = rows.length ? rows[rows.length - 1]!.step : 0;
  const x = (step: number) => (logX ? step + 1 : step);

  const table = useMemo(() => {
    if (!showData) return null;
    const rows: Cell[][] = [];
    for (const s of shown) for (const e of s.run.history) rows.push([s.run.label, e.step, fmtLoss(e.loss)]);
    return rows;
  }, [showData, shown]);

  const summary = shown.length
    ? shown.map((s) => `${s.run.label}: ${s.loss.length ? `loss ${fmtLoss(s.run.lastLoss)} at step ${fmtInt(s.run.step)}` : 'no steps yet'}`).join('; ')
    : 'No runs yet: press Train.';

  const top = log ? log.domain[1] : undefined;

  return (
    <figure className="view loss-chart" aria-label="Loss chart">
      <figcaption>
        <h2>Loss</h2>
        <label className="inline">
          <input type="checkbox" checked={logScale} onChange={(e) => setView({ logScale: e.target.checked })} /> Log scale
        </label>
        <label className="inline">
          <input type="checkbox" checked={logX} onChange={(e) => setView({ logX: e.target.checked })} /> Log steps
        </label>
        <label className="inline">
          Smoothing <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setView({ smoothing: Number(e.target.value) })} />
          <span className="hint">{smoothing.toFixed(2)}</span>
        </label>
        {dataButton}
      </figcaption>
      <p className="sr-only">{summary}</p>
      <div className="chart-box" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart accessibilityLayer={false} data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis
              dataKey="step"
              type="number"
              scale={logX ? 'log' : 'auto'}
              domain={logX ? [1, 'dataMax'] : ['dataMin', 'dataMax']}
              allowDecimals={false}
              tickFormatter={logX ? fmtDecade : fmtInt}
              stroke="var(--fg-muted)"
              label={logX ? { value: 'step + 1 (log)', position: 'insideBottomRight', offset: -2, fontSize: 11 } : undefined}
            />
            <YAxis
              scale={logScale ? 'log' : 'linear'}
              domain={log ? log.domain : ['auto', 'auto']}
              ticks={log ? log.ticks : undefined}
              allowDataOverflow={Boolean(log?.clipped)}
              tickFormatter={(v: number) => (log ? fmtDecade(v) : fmtLoss(v))}
              width={88}
              stroke="var(--fg-muted)"
            />
            <Tooltip content={(p) => <HoverValues active={p.active} label={p.label} shown={shown} logX={logX} />} isAnimationActive={false} />
            {shown.map((s) => (
              <Line
                key={`r${s.run.id}`}
                dataKey={`r${s.run.id}`}
                name={s.run.label}
                stroke={s.color}
                strokeOpacity={smoothing > 0 ? 0.25 : 1}
                dot={false}
                strokeWidth={smoothing > 0 ? 1 : 2}
                isAnimationActive={false}
                connectNulls
              />
            ))}
            {smoothing > 0
              ? shown.map((s) => (
                  <Line key={`s${s.run.id}`} dataKey={`s${s.run.id}`} name={`${s.run.label} (smoothed)`} stroke={s.color} dot={false} strokeWidth={2} isAnimationActive={false} connectNulls />
                ))
              : null}
            {shown
              .filter((s) => s.test.length)
              .map((s) => (
                <Line
                  key={`t${s.run.id}`}
                  dataKey={`t${s.run.id}`}
                  name={`${s.run.label} (test)`}
                  stroke={s.color}
                  strokeDasharray="6 4"
                  dot={false}
                  strokeWidth={1.5}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
            {shown.flatMap((s) =>
              s.run.learningRateChanges.map((c) => (
                <ReferenceLine
                  key={`lr${s.run.id}-${c.step}`}
                  className="lr-change"
                  x={x(c.step)}
                  stroke={s.color}
                  strokeDasharray="2 3"
                  label={{ value: `lr → ${fmtRate(c.learningRate)}`, position: 'insideBottomLeft', fill: s.color, fontSize: 11 }}
                />
              )),
            )}
            {shown
              .filter((s) => s.run.divergedAtStep !== null)
              .map((s) => (
                <ReferenceLine
                  key={`d${s.run.id}`}
                  x={x(s.run.divergedAtStep!)}
                  ifOverflow="extendDomain"
                  stroke="var(--danger)"
                  strokeWidth={2}
                  strokeDasharray="4 2"
                  label={{ value: `${s.run.label} diverged at step ${s.run.divergedAtStep}`, position: x(s.run.divergedAtStep!) < lastStep / 2 ? 'insideTopLeft' : 'insideTopRight', fill: 'var(--danger)' }}
                />
              ))}
            {top !== undefined
              ? shown
                  .filter((s) => s.run.divergedAtStep !== null)
                  .map((s) => (
                    <ReferenceDot
                      key={`o${s.run.id}`}
                      className="off-scale"
                      x={x(s.run.divergedAtStep!)}
                      y={top}
                      r={6}
                      fill="var(--danger)"
                      stroke="var(--panel)"
                      ifOverflow="extendDomain"
                      label={{ value: '▲ off scale', position: 'bottom', fill: 'var(--danger)', fontSize: 11 }}
                    />
                  ))
              : null}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <ul className="series-list" aria-label="Legend">
        {shown.map((s) => (
          <li key={s.run.id}>
            <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.run.label}
          </li>
        ))}
        {shown.some((s) => s.test.length) ? <li className="hint">dashed: hold-out (test) loss</li> : null}
        {smoothing > 0 && shown.length ? <li className="hint">faint: raw loss</li> : null}
      </ul>
      {showData && table ? <DataTable name="Loss data" columns={['Run', 'Step', 'Loss']} rows={table} /> : null}
    </figure>
  );
}
