/**
 * Per-layer gradient norms (log scale) and the fraction of dead ReLU units over training: vanishing
 * gradients show as early layers' lines sinking decades below the last layer's, exploding ones as a
 * climb, dead units as a fraction creeping towards 1.
 */
import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useLab } from '../context';
import { fmtInt, fmtLoss, fmtPct } from '../format';
import { RUN_COLORS, runColor } from '../palette';
import { fmtDecade, layerRows, logAxis } from '../state/chart-data';
import { useThrottledTick } from './useThrottledTick';

const LAYER_COLORS = RUN_COLORS;

export function GradientFlow() {
  const tick = useThrottledTick(2000);
  const runs = useLab((s) => s.runs);
  const activeId = useLab((s) => s.activeRunId);
  const runIndex = runs.findIndex((r) => r.id === activeId);
  const run = runIndex >= 0 ? runs[runIndex]! : null;

  const { norms, dead, layers, reluLayers, latest } = useMemo(() => {
    const snaps = run ? run.metrics.all().filter((m) => m.step > 0) : [];
    const layers = run ? run.experiment.layers.length : 0;
    const reluLayers = run ? run.experiment.layers.map((l, i) => (l.activation === 'relu' ? i : -1)).filter((i) => i >= 0) : [];
    return {
      norms: layerRows(snaps, (l) => l.weightGradNorm, true),
      dead: layerRows(snaps, (l) => l.deadFraction),
      layers,
      reluLayers,
      latest: snaps[snaps.length - 1] ?? null,
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run, tick]);

  const summary = latest
    ? `At step ${latest.step}: gradient norms ${latest.layers.map((l, i) => `layer ${i + 1} ${fmtLoss(l.weightGradNorm)}`).join(', ')}` +
      (reluLayers.length ? `; dead ReLU units ${reluLayers.map((i) => `layer ${i + 1} ${fmtPct(latest.layers[i]?.deadFraction)}`).join(', ')}` : '') +
      '.'
    : 'No gradients yet: train a step.';

  const normAxis = logAxis(norms, 5);

  return (
    <figure className="view gradient-flow" aria-label="Gradient flow">
      <figcaption>
        <h2>Gradient flow</h2>
        {run ? (
          <span className="hint">
            <span className="swatch" style={{ background: runColor(runIndex) }} aria-hidden="true" />
            {run.label}
          </span>
        ) : null}
      </figcaption>
      <p className="summary">{summary}</p>
      <div className="gf-charts" aria-hidden="true">
        <div className="chart-box small">
          <h3>Weight gradient norm per layer (log)</h3>
          <ResponsiveContainer width="100%" height="85%">
            <LineChart accessibilityLayer={false} data={norms} margin={{ top: 4, right: 12, bottom: 0, left: 4 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
              <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tickFormatter={fmtInt} stroke="var(--fg-muted)" />
              <YAxis scale="log" domain={normAxis ? normAxis.domain : ['auto', 'auto']} ticks={normAxis?.ticks} tickFormatter={fmtDecade} width={56} stroke="var(--fg-muted)" />
              <Tooltip isAnimationActive={false} formatter={(v) => fmtLoss(Number(v))} />
              <Legend />
              {Array.from({ length: layers }, (_, i) => (
                <Line key={i} dataKey={`L${i + 1}`} name={`layer ${i + 1}`} stroke={LAYER_COLORS[i % LAYER_COLORS.length]} dot={false} isAnimationActive={false} connectNulls />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
        <div className="chart-box small">
          <h3>Dead ReLU units (fraction)</h3>
          {reluLayers.length ? (
            <ResponsiveContainer width="100%" height="85%">
              <LineChart accessibilityLayer={false} data={dead} margin={{ top: 4, right: 12, bottom: 0, left: 4 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
                <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tickFormatter={fmtInt} stroke="var(--fg-muted)" />
                <YAxis domain={[0, 1]} tickFormatter={(v: number) => fmtPct(v)} width={56} stroke="var(--fg-muted)" />
                <Tooltip isAnimationActive={false} formatter={(v) => fmtPct(Number(v))} />
                <Legend />
                {reluLayers.map((i) => (
                  <Line key={i} dataKey={`L${i + 1}`} name={`layer ${i + 1}`} stroke={LAYER_COLORS[i % LAYER_COLORS.length]} dot={false} isAnimationActive={false} connectNulls />
                ))}
              </LineChart>
            </ResponsiveContainer>
          ) : (
            <p className="empty">No ReLU layers in this network.</p>
          )}
        </div>
      </div>
    </figure>
  );
}
