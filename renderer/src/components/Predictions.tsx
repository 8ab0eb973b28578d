/**
 * What the network predicts. 2-D data: the decision regions on a canvas, training points coloured by
 * their class, misclassified points crossed out, a probe placed by clicking, the experiment's test points.
 * Other data: target vs prediction for one chosen sample.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PredictionGrid } from '../../../core';
import { useLab, useLabStore } from '../context';
import { argmax, fmtLoss, fmtPct, fmtScores } from '../format';
import { classColor, OKABE_ITO, regionTint } from '../palette';
import { niceTicks, paintRegions, placePoint, type Bounds } from '../state/decision-map';
import { plotData, type PlotData } from '../state/plot-data';
import type { Run } from '../state/run';
import { useThrottledTick } from './useThrottledTick';
import { DataTable, useDataToggle, type Cell } from './DataTable';
import { useShownRuns } from './useShownRuns';
import { drawBounds, DrawTools, useDrawnPlot, type DrawState } from './DrawData';
import { useLock } from './Lessons';

/** Points drawn on the decision map at most; a larger set shows an even sample of its rows. */
const MAX_DRAWN_POINTS = 5000;

/** Canvas backing size: the interpolated regions are painted per pixel at this size (see decision-map.ts). */
const SIZE = 240;
const NONE: readonly number[] = [];

export function boundsOf(data: PlotData, grid: PredictionGrid | null): Bounds {
  if (grid) return { xMin: grid.xMin, xMax: grid.xMax, yMin: grid.yMin, yMax: grid.yMax };
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < data.samples; i++) {
    const x = data.x[2 * i]!;
    const y = data.x[2 * i + 1]!;
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  const px = (xMax - xMin) * 0.1 || 1;
  const py = (yMax - yMin) * 0.1 || 1;
  return { xMin: xMin - px, xMax: xMax + px, yMin: yMin - py, yMax: yMax + py };
}

/** Grid cell under a point, or null outside the grid. */
export function gridCell(grid: PredictionGrid, x: number, y: number): number | null {
  const r = grid.resolution;
  const j = Math.floor(((x - grid.xMin) / (grid.xMax - grid.xMin)) * r);
  const i = Math.floor(((grid.yMax - y) / (grid.yMax - grid.yMin)) * r);
  if (i < 0 || j < 0 || i >= r || j >= r) return null;
  return i * r + j;
}

function gridScores(grid: PredictionGrid, x: number, y: number): number[] | null {
  const c = gridCell(grid, x, y);
  if (c === null) return null;
  return Array.from(grid.values.subarray(c * grid.outputs, (c + 1) * grid.outputs));
}

/** Pixels around the pointer a drag (or the Erase tool) clears. */
const ERASE_PX = 14;

/** `px` pixels of a map drawn `width` × `height` in input units (the mean of the two axes' scales). */
function mapRadius(bounds: Bounds, px: number, width = SIZE, height = SIZE): number {
  return (px * ((bounds.xMax - bounds.xMin) / width + (bounds.yMax - bounds.yMin) / height)) / 2;
}

/**
 * `highlight`: data set rows to ring (the points whose class the last explained update flipped).
 * `draw`: drawing the data; clicks add and drags erase points instead of probing, the map stays where it was.
 */
function DecisionMap({ run, data, highContrast, highlight, draw = null }: { run: Run | null; data: PlotData; highContrast: boolean; highlight: readonly number[]; draw?: DrawState | null }) {
  const tick = useThrottledTick(500);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const probe = useLab((s) => s.probe);
  const probeAt = useLab((s) => s.probeAt);
  const drawPoint = useLab((s) => s.drawPoint);
  const eraseDrawn = useLab((s) => s.eraseDrawn);
  const gesture = useRef<{ x: number; y: number; dragged: boolean } | null>(null);
  const grid = run?.grid ?? null;
  const drawing = draw !== null;
  const frozen = draw?.bounds ?? null;
  const bounds = useMemo(() => (frozen && !grid ? frozen : boundsOf(data, grid)), [data, grid, frozen]);
  const classes = data.outputs;
  const tints = useMemo(() => Array.from({ length: Math.max(classes, grid?.outputs ?? 0) }, (_, c) => regionTint(c, highContrast)), [classes, grid, highContrast]);
  // The run's test points and per-point predictions belong to its data, not to a drawing in progress.
  const tps = useMemo(() => (drawing ? [] : (run?.experiment.testPoints ?? [])), [run, drawing]);
  const placed = useMemo(() => tps.map((p) => placePoint(bounds, SIZE, SIZE, p[0]!, p[1]!)), [tps, bounds]);

  // A new map is a new network: the probe asks again, so its answer never lags the regions under it.
  // Painted once per new map (tens of ms at this size), not on every redraw of the points.
  const regions = useMemo(() => {
    if (!grid) return null;
    const img = new ImageData(SIZE, SIZE);
    paintRegions(grid, SIZE, SIZE, tints, img.data);
    return img;
  }, [grid, tints]);
  const store = useLabStore();
  useEffect(() => {
    const p = store.getState().probe;
    if (grid && p) probeAt(p.x, p.y);
  }, [grid, store, probeAt]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const W = canvas.width;
    const H = canvas.height;
    ctx.fillStyle = highContrast ? '#000' : '#fff';
    ctx.fillRect(0, 0, W, H);
    if (regions) ctx.putImageData(regions, 0, 0);
    const sx = (x: number) => ((x - bounds.xMin) / (bounds.xMax - bounds.xMin)) * W;
    const sy = (y: number) => ((bounds.yMax - y) / (bounds.yMax - bounds.yMin)) * H;
    const fg = highContrast ? '#fff' : '#000';
    // The axes through the origin, when it is in view: where a net without biases draws every border.
    ctx.strokeStyle = highContrast ? 'rgba(255,255,255,0.35)' : 'rgba(0,0,0,0.25)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    if (bounds.xMin < 0 && bounds.xMax > 0) {
      ctx.moveTo(sx(0), 0);
      ctx.lineTo(sx(0), H);
    }
    if (bounds.yMin < 0 && bounds.yMax > 0) {
      ctx.moveTo(0, sy(0));
      ctx.lineTo(W, sy(0));
    }
    ctx.stroke();
    const pointClasses = drawing ? null : (run?.pointClasses ?? null);
    const radius = Math.max(4, Math.min(9, 1200 / Math.sqrt(data.samples) / 10));
    // An imported set of 100k rows took 2.5 s to draw point by point (measured): large sets show every k-th point.
    const stride = Math.max(1, Math.ceil(data.samples / MAX_DRAWN_POINTS));
    for (let i = 0; i < data.samples; i += stride) {
      const x = sx(data.x[2 * i]!);
      const y = sy(data.x[2 * i + 1]!);
      const label = data.labels ? data.labels[i]! : 0;
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.fillStyle = classColor(label);
      ctx.fill();
      ctx.lineWidth = 1.5;
      // Hold-out rows (the last testRows) get a hollow look so train and test are told apart.
      ctx.strokeStyle = i >= data.samples - data.testRows ? '#fff' : highContrast ? '#fff' : '#222';
      ctx.stroke();
      let predicted: number | null = pointClasses ? pointClasses[i]! : null;
      if (predicted === null && grid) {
        const c = gridCell(grid, data.x[2 * i]!, data.x[2 * i + 1]!);
        predicted = c === null ? null : grid.argmax[c]!;
      }
      if (data.labels && predicted !== null && predicted !== label) {
        const k = radius + 2;
        ctx.beginPath();
        ctx.moveTo(x - k, y - k);
        ctx.lineTo(x + k, y + k);
        ctx.moveTo(x + k, y - k);
        ctx.lineTo(x - k, y + k);
        ctx.strokeStyle = fg;
        ctx.lineWidth = 2.5;
        ctx.stroke();
      }
    }
    for (const i of highlight) {
      if (i >= data.samples) continue;
      ctx.beginPath();
      ctx.arc(sx(data.x[2 * i]!), sy(data.x[2 * i + 1]!), radius + 5, 0, 2 * Math.PI);
      ctx.strokeStyle = highContrast ? '#F0E442' : '#000';
      ctx.lineWidth = 2;
      ctx.setLineDash([3, 2]);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.font = 'bold 24px sans-serif';
    tps.forEach((p, k) => {
      const at = placed[k]!;
      const out = run?.testPointOutputs?.[k] ?? (grid ? gridScores(grid, p[0]!, p[1]!) : null);
      ctx.beginPath();
      ctx.moveTo(at.x, at.y - 10);
      ctx.lineTo(at.x + 10, at.y);
      ctx.lineTo(at.x, at.y + 10);
      ctx.lineTo(at.x - 10, at.y);
      ctx.closePath();
      ctx.fillStyle = out ? classColor(argmax(out)) : '#999999';
      ctx.fill();
      ctx.strokeStyle = fg;
      ctx.lineWidth = 2;
      ctx.stroke();
      if (at.edge) {
        // An arrow from the diamond toward the point, which lies off the map in that direction.
        const tipX = at.x + at.dx * 13;
        const tipY = at.y + at.dy * 13;
        const backX = at.x - at.dx * 2;
        const backY = at.y - at.dy * 2;
        ctx.beginPath();
        ctx.moveTo(backX - at.dy * 9, backY + at.dx * 9);
        ctx.lineTo(tipX, tipY);
        ctx.lineTo(backX + at.dy * 9, backY - at.dx * 9);
        ctx.strokeStyle = fg;
        ctx.lineWidth = 3;
        ctx.stroke();
      }
      const text = at.edge ? `T${k + 1} (${p.join(', ')})` : `T${k + 1}`;
      const tw = ctx.measureText(text).width;
      const tx = Math.min(W - tw - 2, Math.max(2, at.x + (at.dx > 0 ? -tw - 16 : 14)));
      const ty = Math.min(H - 4, Math.max(24, at.y + (at.dy > 0 ? -16 : -8)));
      ctx.fillStyle = highContrast ? 'rgba(0,0,0,0.7)' : 'rgba(255,255,255,0.75)';
      ctx.fillRect(tx - 2, ty - 21, tw + 4, 26);
      ctx.fillStyle = fg;
      ctx.fillText(text, tx, ty);
    });
    if (probe) {
      const at = placePoint(bounds, W, H, probe.x, probe.y);
      ctx.beginPath();
      ctx.arc(at.x, at.y, 9, 0, 2 * Math.PI);
      ctx.strokeStyle = highContrast ? '#F0E442' : '#000';
      ctx.lineWidth = 3;
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(at.x - 13, at.y);
      ctx.lineTo(at.x + 13, at.y);
      ctx.moveTo(at.x, at.y - 13);
      ctx.lineTo(at.x, at.y + 13);
      ctx.stroke();
    }
  }, [regions, grid, bounds, data, run, probe, tick, highContrast, tps, placed, highlight, drawing]);

  /** Input coordinates under the pointer, and the erase radius in input units (the mean of the two axes' scales). */
  const inputsAt = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const fx = (e.clientX - rect.left) / rect.width;
    const fy = (e.clientY - rect.top) / rect.height;
    return { x1: bounds.xMin + fx * (bounds.xMax - bounds.xMin), x2: bounds.yMax - fy * (bounds.yMax - bounds.yMin), radius: mapRadius(bounds, ERASE_PX, rect.width, rect.height) };
  };
  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (drawing) return;
    const at = inputsAt(e);
    probeAt(at.x1, at.x2);
  };
  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (!drawing || e.button !== 0) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    gesture.current = { x: e.clientX, y: e.clientY, dragged: false };
  };
  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const g = gesture.current;
    if (!drawing || !g) return;
    if (!g.dragged && Math.hypot(e.clientX - g.x, e.clientY - g.y) < 4) return;
    g.dragged = true;
    const at = inputsAt(e);
    eraseDrawn(at.x1, at.x2, at.radius);
  };
  const onPointerUp = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const g = gesture.current;
    gesture.current = null;
    if (!draw || !g || g.dragged) return;
    const at = inputsAt(e);
    if (draw.tool === 'erase') eraseDrawn(at.x1, at.x2, at.radius);
    else drawPoint(at.x1, at.x2, draw.tool, draw.classes);
  };

  const probeScores = probe ? (probe.outputs ?? (grid ? gridScores(grid, probe.x, probe.y) : null)) : null;
  const regionColors = tints.map(([r, g, b]) => `${r},${g},${b}`).join(';');
  const xTicks = niceTicks(bounds.xMin, bounds.xMax, 5);
  const yTicks = niceTicks(bounds.yMin, bounds.yMax, 5);
  const placedAttr = JSON.stringify(placed.map((p, k) => ({ k, x: Math.round(p.x), y: Math.round(p.y), edge: p.edge })));

  return (
    <div className="decision">
      <div className="map-frame">
        <div className="axis-y" aria-hidden="true">
          <span className="axis-title">x₂</span>
          {yTicks.map((t) => (
            <span key={t} className="tick" style={{ top: `${((bounds.yMax - t) / (bounds.yMax - bounds.yMin)) * 100}%` }}>
              {fmtTick(t)}
            </span>
          ))}
        </div>
        <canvas
          ref={canvasRef}
          width={SIZE}
          height={SIZE}
          role="img"
          aria-label={`Decision regions for ${classes} classes over x₁ from ${fmtTick(bounds.xMin)} to ${fmtTick(bounds.xMax)} and x₂ from ${fmtTick(bounds.yMin)} to ${fmtTick(bounds.yMax)}${grid ? '' : ' (train to see them)'}; ${drawing ? `drawing: ${data.samples} points, click to add, drag to erase` : 'click to place a probe point'}`}
          data-region-colors={regionColors}
          data-has-grid={grid ? 'true' : 'false'}
          data-test-points={placedAttr}
          data-highlight={highlight.join(',')}
          data-drawing={drawing ? 'true' : 'false'}
          data-bounds={`${bounds.xMin},${bounds.xMax},${bounds.yMin},${bounds.yMax}`}
          className={`decision-map${drawing ? ' drawing' : ''}`}
          onClick={onClick}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => (gesture.current = null)}
        />
        <span />
        <div className="axis-x" aria-hidden="true">
          {xTicks.map((t) => (
            <span key={t} className="tick" style={{ left: `${((t - bounds.xMin) / (bounds.xMax - bounds.xMin)) * 100}%` }}>
              {fmtTick(t)}
            </span>
          ))}
          <span className="axis-title">x₁</span>
        </div>
      </div>
      <div className="decision-side">
        <ul className="class-legend" aria-label="Classes">
          {Array.from({ length: classes }, (_, c) => (
            <li key={c}>
              <span className="swatch" style={{ background: classColor(c) }} aria-hidden="true" /> class {c}
              {data.classNames?.[c] !== undefined ? `: ${data.classNames[c]}` : ''}
            </li>
          ))}
          <li>✕ misclassified</li>
          <li>◆ test point</li>
          {highlight.length ? <li>◌ flipped by the last update</li> : null}
        </ul>
        <p className="accuracy">
          Accuracy {fmtPct(run?.metrics.latest?.accuracy)}
          {run?.metrics.latest?.testAccuracy != null ? `, hold-out ${fmtPct(run.metrics.latest.testAccuracy)}` : ''}
        </p>
        <p aria-live="polite" data-testid="probe" className="probe-text">
          {probe
            ? `Probe (${fmtLoss(probe.x)}, ${fmtLoss(probe.y)}): ${probeScores ? `class ${argmax(probeScores)}, scores ${fmtScores(probeScores)}` : run ? 'predicting…' : 'train first'}`
            : 'Click the map to probe a point.'}
        </p>
        {probe && probeScores ? <ProbeBars scores={probeScores} step={probe.step} /> : null}
      </div>
    </div>
  );
}

function fmtTick(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(0) : String(Number(v.toPrecision(4)));
}

/** The probe's outputs as one bar per class in the class colours; the longest bar is the predicted class. */
function ProbeBars({ scores, step }: { scores: number[]; step: number | null }) {
  const top = argmax(scores);
  const scale = Math.max(...scores.map((v) => Math.abs(v))) || 1;
  return (
    <ul className="probe-bars" aria-label="Probe scores by class" data-step={step ?? ''}>
      {scores.map((v, c) => (
        <li key={c} className={c === top ? 'top' : undefined} data-class={c}>
          <span className="bar-label">class {c}</span>
          <span className="bar-track" aria-hidden="true">
            <span className="bar" style={{ width: `${(Math.abs(v) / scale) * 100}%`, background: classColor(c), opacity: v < 0 ? 0.45 : 1 }} />
          </span>
          <span className="bar-value">{fmtLoss(v)}</span>
        </li>
      ))}
    </ul>
  );
}

function TestPointsTable({ run }: { run: Run }) {
  useThrottledTick(250);
  const tps = run.experiment.testPoints;
  if (!tps?.length) return null;
  return (
    <table className="test-points">
      <caption>Test points</caption>
      <thead>
        <tr>
          <th scope="col">Point</th>
          <th scope="col">Input</th>
          <th scope="col">Predicted class</th>
          <th scope="col">Scores</th>
        </tr>
      </thead>
      <tbody>
        {tps.map((p, k) => {
          const out = run.testPointOutputs?.[k] ?? null;
          return (
            <tr key={k}>
              <th scope="row">T{k + 1}</th>
              <td>[{p.join(', ')}]</td>
              <td data-testid={`test-point-class-${k}`}>{out ? argmax(out) : '—'}</td>
              <td>{out ? fmtScores(out) : run.grid ? 'needs predict support' : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SampleView({ data }: { data: PlotData }) {
  const sample = useLab((s) => s.sample);
  const index = useLab((s) => s.view.sampleIndex);
  const showSample = useLab((s) => s.showSample);
  const run = useLab((s) => s.runs.find((r) => r.id === s.activeRunId) ?? null);
  const step = run?.step ?? 0;
  // Re-ask for the prediction as training moves on (every ~half second of published steps).
  const tick = useThrottledTick(500);
  useEffect(() => {
    showSample(index);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick, run, index]);
  const rows = sample ? sample.target.map((t, o) => ({ output: o, target: t, predicted: sample.predicted?.[o] })) : [];
  return (
    <div className="sample-view">
      <label>
        Sample{' '}
        <input type="number" min={0} max={data.samples - 1} value={index} onChange={(e) => showSample(Number(e.target.value))} style={{ width: '6em' }} />
      </label>{' '}
      <span className="hint">
        of {data.samples} (inputs: {data.inputs}, outputs: {data.outputs}); step {step}
      </span>
      <div className="chart-box small" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart accessibilityLayer={false} data={rows}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis dataKey="output" stroke="var(--fg-muted)" />
            <YAxis stroke="var(--fg-muted)" tickFormatter={(v: number) => fmtLoss(v)} width={64} />
            <Tooltip isAnimationActive={false} />
            <Legend />
            <Bar dataKey="target" name="target" fill={OKABE_ITO.grey} isAnimationActive={false} />
            <Bar dataKey="predicted" name="predicted" fill={OKABE_ITO.blue} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="sample-table">
        <caption>Sample {index}: target vs predicted</caption>
        <thead>
          <tr>
            <th scope="col">Output</th>
            <th scope="col">Target</th>
            <th scope="col">Predicted</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, 16).map((r) => (
            <tr key={r.output}>
              <th scope="row">{r.output}</th>
              <td>{fmtLoss(r.target)}</td>
              <td>{r.predicted === undefined ? '—' : fmtLoss(r.predicted)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Which shown run the map follows: every run of a compare group can be inspected here. */
function RunFocus() {
  const shown = useShownRuns();
  const activeId = useLab((s) => s.activeRunId);
  const focus = useLab((s) => s.focusRun);
  if (shown.length < 2) return null;
  return (
    <div className="run-focus" role="group" aria-label="Run shown in Predictions">
      {shown.map(({ run, color }) => (
        <button key={run.id} type="button" aria-pressed={run.id === activeId} onClick={() => focus(run.id)}>
          <span className="swatch" style={{ background: color }} aria-hidden="true" />
          {run.label}
        </button>
      ))}
    </div>
  );
}

function predictionRows(
  run: Run | null,
  data: PlotData | null,
  sample: { index: number; target: number[]; predicted: number[] | null } | null,
  drawing: boolean,
): { columns: string[]; rows: Cell[][] } {
  if (!run || !data) return { columns: ['Run', 'Step'], rows: [] };
  if (data.inputs === 2 && data.labels) {
    const rows: Cell[][] = [];
    for (let i = 0; i < data.samples; i++) {
      // A drawing in progress is not the run's data: the run's per-point predictions do not belong to it.
      rows.push([run.label, run.step, i, fmtLoss(data.x[2 * i]!), fmtLoss(data.x[2 * i + 1]!), data.labels[i]!, !drawing && run.pointClasses ? run.pointClasses[i]! : '—']);
    }
    return { columns: ['Run', 'Step', 'Point', 'x₁', 'x₂', 'Target class', 'Predicted class'], rows };
  }
  const rows: Cell[][] = sample ? sample.target.map((t, o) => [run.label, run.step, sample.index, o, fmtLoss(t), sample.predicted ? fmtLoss(sample.predicted[o]) : '—']) : [];
  return { columns: ['Run', 'Step', 'Sample', 'Output', 'Target', 'Predicted'], rows };
}

export function Predictions() {
  const run = useLab((s) => s.runs.find((r) => r.id === s.activeRunId) ?? null);
  const validation = useLab((s) => s.validation);
  const highContrast = useLab((s) => s.view.presentation);
  const sample = useLab((s) => s.sample);
  const exp = run?.experiment ?? (validation.ok ? validation.experiment : null);
  const shownData = useMemo(() => (exp ? plotData(exp) : null), [exp]);
  const [draw, setDraw] = useState<DrawState | null>(null);
  const dataLock = useLock('dataset');
  const drawn = useDrawnPlot(draw?.classes ?? null);
  const data = drawn ?? shownData;
  const [showData, dataButton] = useDataToggle();
  const table = showData ? predictionRows(run, data, sample, draw !== null) : null;
  const toggleDraw = () => {
    if (draw) return setDraw(null);
    const classData = shownData && shownData.inputs === 2 && shownData.labels ? shownData : null;
    setDraw({ tool: 0, classes: Math.min(8, Math.max(2, classData?.outputs ?? 2)), bounds: drawBounds(classData ? boundsOf(classData, run?.grid ?? null) : null) });
  };
  useThrottledTick(250);
  // Flipped points stay ringed while the explained update is the run's latest.
  const e = run?.explanation ?? null;
  const flipped = e && run && run.step === e.step + 1 ? e.flipped : NONE;
  return (
    <figure className="view predictions" aria-label="Predictions">
      <figcaption>
        <h2>Predictions</h2>
        {run ? <span className="hint">{run.label}</span> : null}
        <button type="button" className="advanced" aria-pressed={draw !== null} onClick={toggleDraw} disabled={Boolean(dataLock)} title={dataLock ?? undefined}>
          Draw data
        </button>
        {dataButton}
      </figcaption>
      <RunFocus />
      {draw ? <DrawTools draw={draw} setDraw={setDraw} points={drawn?.samples ?? 0} eraseRadius={mapRadius(draw.bounds, ERASE_PX)} /> : null}
      {!data ? (
        <p className="empty">Fix the experiment to see its data.</p>
      ) : data.inputs === 2 ? (
        <DecisionMap run={run} data={data} highContrast={highContrast} highlight={draw ? NONE : flipped} draw={draw} />
      ) : (
        <SampleView data={data} />
      )}
      {run ? <TestPointsTable run={run} /> : null}
      {table ? <DataTable name="Predictions data" columns={table.columns} rows={table.rows} /> : null}
    </figure>
  );
}
