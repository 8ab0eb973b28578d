/** Loss per step for every visible run, overlaid; hold-out loss dashed; divergence marked. */
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useLab } from '../context';
import { fmtInt, fmtLoss } from '../format';
import { runColor } from '../palette';
import { fmtDecade, logAxis, lossCeiling, mergeSeries, nearest, type SeriesInput } from '../state/chart-data';
import type { SeriesPoint } from '../state/series';
import type { Run } from '../state/run';
import { useThrottledTick } from './useThrottledTick';

interface Shown {
  run: Run;
  color: string;
  loss: SeriesPoint[];
  test: SeriesPoint[];
}

function HoverValues({ active, label, shown }: { active?: boolean; label?: unknown; shown: Shown[] }) {
  if (!active || typeof label !== 'number') return null;
  return (
    <div className="chart-tooltip">
      <div>Step {fmtInt(label)}</div>
      {shown.map((s) => {
        const p = nearest(s.loss, label);
        const t = nearest(s.test, label);
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
  const runs = useLab((s) => s.runs);
  const visible = useLab((s) => s.visibleRunIds);
  const logScale = useLab((s) => s.view.logScale);
  const setView = useLab((s) => s.setView);

  const shown: Shown[] = useMemo(
    () =>
      runs
        .map((run, i) => ({ run, i }))
        .filter(({ run }) => visible.includes(run.id))
        .map(({ run, i }) => ({ run, color: runColor(i), loss: run.loss.points(), test: run.testLoss.points() })),
    // tick: the runs' series are mutated in place and published by tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [runs, visible, tick],
  );
  const rows = useMemo(() => {
    const series: SeriesInput[] = [];
    for (const s of shown) {
      series.push({ key: `r${s.run.id}`, points: s.loss });
      if (s.test.length) series.push({ key: `t${s.run.id}`, points: s.test });
    }
    return mergeSeries(series, logScale);
  }, [shown, logScale]);
  const log = logScale ? logAxis(rows, 7, lossCeiling(shown.map((s) => s.loss))) : null;
  const lastStep = rows.length ? rows[rows.length - 1]!.step : 0;

  const summary = shown.length
    ? shown.map((s) => `${s.run.label}: ${s.loss.length ? `loss ${fmtLoss(s.run.lastLoss)} at step ${fmtInt(s.run.step)}` : 'no steps yet'}`).join('; ')
    : 'No runs yet: press Train.';

  return (
    <figure className="view loss-chart" aria-label="Loss chart">
      <figcaption>
        <h2>Loss</h2>
        <label className="inline">
          <input type="checkbox" checked={logScale} onChange={(e) => setView({ logScale: e.target.checked })} /> Log scale
        </label>
      </figcaption>
      <p className="sr-only">{summary}</p>
      <div className="chart-box" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart accessibilityLayer={false} data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tickFormatter={fmtInt} stroke="var(--fg-muted)" />
            <YAxis
              scale={logScale ? 'log' : 'linear'}
              domain={log ? log.domain : ['auto', 'auto']}
              ticks={log ? log.ticks : undefined}
              allowDataOverflow={Boolean(log?.clipped)}
              tickFormatter={(v: number) => (log ? fmtDecade(v) : fmtLoss(v))}
              width={88}
              stroke="var(--fg-muted)"
            />
            <Tooltip content={(p) => <HoverValues active={p.active} label={p.label} shown={shown} />} isAnimationActive={false} />
            {shown.map((s) => (
              <Line key={`r${s.run.id}`} dataKey={`r${s.run.id}`} name={s.run.label} stroke={s.color} dot={false} strokeWidth={2} isAnimationActive={false} connectNulls />
            ))}
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
            {shown
              .filter((s) => s.run.divergedAtStep !== null)
              .map((s) => (
                <ReferenceLine
                  key={`d${s.run.id}`}
                  x={s.run.divergedAtStep!}
                  ifOverflow="extendDomain"
                  stroke="var(--danger)"
                  strokeWidth={2}
                  strokeDasharray="4 2"
                  label={{ value: `${s.run.label} diverged at step ${s.run.divergedAtStep}`, position: s.run.divergedAtStep! < lastStep / 2 ? 'insideTopLeft' : 'insideTopRight', fill: 'var(--danger)' }}
                />
              ))}
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
      </ul>
    </figure>
  );
}
