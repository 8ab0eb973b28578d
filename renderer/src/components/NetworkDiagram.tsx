/**
 * The network itself: one node per unit, one edge per weight (colour = sign, width = |w|), and on 2-D
 * data each unit's activation over the input plane drawn inside its node — what TensorFlow Playground
 * showed for its first layers, here for every layer. Clicking a unit spotlights it: its incoming
 * weights, its bias and the histogram of its activation over the plane.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import './glass-box.css';
import type { Experiment } from '../../../core';
import { isDrawable, MAX_DRAWN_LAYERS, MAX_DRAWN_UNITS, type NetworkMsg } from '../../../core/contract/protocol';
import { useLab } from '../context';
import { fmtLoss } from '../format';
import { hexRgb } from '../palette';
import { plotData } from '../state/plot-data';
import { useThrottledTick } from './useThrottledTick';

const W = 440;
const H = 300;
const PAD = 22;
/** Okabe–Ito blue for positive, orange for negative: apart under every common colour-vision deficiency. */
export const POSITIVE = '#0072B2';
export const NEGATIVE = '#E69F00';

interface Node {
  layer: number;
  index: number;
  x: number;
  y: number;
}

function layout(widths: number[]): { nodes: Node[][]; size: number } {
  const most = Math.max(...widths);
  const spacing = (H - 2 * PAD) / most;
  const size = Math.min(40, spacing * 0.8);
  const nodes = widths.map((n, layer) => {
    const x = widths.length === 1 ? W / 2 : PAD + size / 2 + (layer * (W - 2 * PAD - size)) / (widths.length - 1);
    return Array.from({ length: n }, (_, index) => ({ layer, index, x, y: H / 2 + (index - (n - 1) / 2) * spacing }));
  });
  return { nodes, size };
}

/** A unit's map as pixels: orange below zero, white at zero, blue above, scaled by the largest |a|. */
function paintMap(canvas: HTMLCanvasElement, values: Float32Array, offset: number, res: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  let m = 0;
  for (let c = 0; c < res * res; c++) m = Math.max(m, Math.abs(values[offset + c]!));
  const img = ctx.createImageData(res, res);
  const pos = hexRgb(POSITIVE);
  const neg = hexRgb(NEGATIVE);
  for (let c = 0; c < res * res; c++) {
    const v = m > 0 ? values[offset + c]! / m : 0;
    const to = v >= 0 ? pos : neg;
    const t = Math.min(1, Math.abs(v));
    for (let k = 0; k < 3; k++) img.data[4 * c + k] = Math.round(255 + (to[k]! - 255) * t);
    img.data[4 * c + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function UnitMap({ network, layer, index }: { network: NetworkMsg; layer: number; index: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const act = network.activations;
  useEffect(() => {
    if (ref.current && act) paintMap(ref.current, act.layers[layer - 1]!, index * act.resolution * act.resolution, act.resolution);
  }, [act, layer, index]);
  if (!act) return null;
  return <canvas ref={ref} width={act.resolution} height={act.resolution} className="unit-map" aria-hidden="true" />;
}

function histogram(values: ArrayLike<number>, bins: number): { min: number; max: number; counts: number[] } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const counts = new Array<number>(bins).fill(0);
  const span = max - min || 1;
  for (let i = 0; i < values.length; i++) counts[Math.min(bins - 1, Math.floor(((values[i]! - min) / span) * bins))]!++;
  return { min, max, counts };
}

function Spotlight({ exp, network, layer, index, inputs }: { exp: Experiment; network: NetworkMsg | null; layer: number; index: number; inputs: number }) {
  if (layer === 0) return <p className="spotlight">Input x{index + 1}: the data's coordinate {index + 1}, fed to every unit of layer 1.</p>;
  const p = network?.params[layer - 1];
  const act = network?.activations;
  const cells = act ? act.resolution * act.resolution : 0;
  const hist = act ? histogram(act.layers[layer - 1]!.subarray(index * cells, (index + 1) * cells), 12) : null;
  const peak = hist ? Math.max(...hist.counts) : 1;
  const from = layer === 1 ? (k: number) => `x${k + 1}` : (k: number) => `unit ${layer - 1}:${k}`;
  const fanIn = layer === 1 ? inputs : exp.layers[layer - 2]!.units;
  return (
    <section className="spotlight" aria-label={`Unit ${layer}:${index}`}>
      <h3>
        Unit {layer}:{index} <span className="hint">(layer {layer}, {exp.layers[layer - 1]!.activation})</span>
      </h3>
      {!p ? (
        <p>Train or step to see its weights.</p>
      ) : (
        <>
          <p>
            Bias <span data-testid="spot-bias">{p.biases ? fmtLoss(p.biases[index]) : 'none (bias off)'}</span>
          </p>
          <table className="spot-weights">
            <caption>Incoming weights</caption>
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">Weight</th>
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: fanIn }, (_, k) => {
                const w = p.weights[k]![index]!;
                return (
                  <tr key={k}>
                    <th scope="row">{from(k)}</th>
                    <td data-value={String(w)} style={{ color: w >= 0 ? POSITIVE : '#9a6700' }}>
                      {fmtLoss(w)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      {hist ? (
        <figure className="spot-hist" aria-label={`Activation histogram over the input plane, ${fmtLoss(hist.min)} to ${fmtLoss(hist.max)}`}>
          <svg viewBox="0 0 120 40" width="240" height="80" aria-hidden="true">
            {hist.counts.map((c, i) => (
              <rect key={i} x={i * 10 + 0.5} y={40 - (38 * c) / peak} width={9} height={(38 * c) / peak} fill={POSITIVE} />
            ))}
          </svg>
          <figcaption className="hint">
            activation over the input plane: {fmtLoss(hist.min)} … {fmtLoss(hist.max)}
          </figcaption>
        </figure>
      ) : network ? (
        <p className="hint">The activation histogram over the input plane needs 2-D inputs.</p>
      ) : null}
    </section>
  );
}

/** Edge widths are drawn from this many steps, so a 20,000-edge net is a few dozen strokes per paint. */
const WIDTH_STEPS = 12;

/**
 * The edges on one canvas: a six-layer net of 64 relu units has 20,000 of them, which as SVG elements
 * kept the page's main thread busy re-rendering them (and a compare of three such runs crawling).
 * Edges of one colour and width step share a path; the spotlit unit's edges are drawn last, on top.
 */
function EdgeCanvas({ geo, network, lit, count }: { geo: { nodes: Node[][] }; network: NetworkMsg | null; lit: [number, number] | null; count: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [litLayer, litUnit] = lit ?? [-1, -1];
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const scale = Math.max(1, Math.min(3, globalThis.devicePixelRatio || 1));
    canvas.width = Math.round(W * scale);
    canvas.height = Math.round(H * scale);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.clearRect(0, 0, W, H);
    if (!network) return;
    const paths = new Map<string, Path2D>();
    const add = (key: string, a: Node, b: Node) => {
      let p = paths.get(key);
      if (!p) paths.set(key, (p = new Path2D()));
      p.moveTo(a.x, a.y);
      p.lineTo(b.x, b.y);
    };
    network.params.forEach((p, l) => {
      let most = 0;
      for (const row of p.weights) for (const w of row) most = Math.max(most, Math.abs(w));
      p.weights.forEach((row, i) =>
        row.forEach((w, j) => {
          const a = geo.nodes[l]![i];
          const b = geo.nodes[l + 1]![j];
          if (!a || !b) return;
          const step = Math.round((WIDTH_STEPS * Math.abs(w)) / (most || 1));
          add(`${l + 1 === litLayer && j === litUnit ? 'lit' : 'edge'}:${w >= 0 ? '+' : '-'}:${step}`, a, b);
        }),
      );
    });
    const dimmed = litLayer >= 0;
    for (const pass of ['edge', 'lit']) {
      for (const [key, path] of paths) {
        const [kind, sign, step] = key.split(':');
        if (kind !== pass) continue;
        const width = 0.4 + (3.6 * Number(step)) / WIDTH_STEPS;
        ctx.strokeStyle = sign === '+' ? POSITIVE : NEGATIVE;
        ctx.lineWidth = kind === 'lit' ? width + 1.5 : width;
        ctx.globalAlpha = dimmed && kind !== 'lit' ? 0.25 : 0.75;
        ctx.stroke(path);
      }
    }
    ctx.globalAlpha = 1;
  }, [geo, network, litLayer, litUnit]);
  return <canvas ref={ref} className="network-edges" data-edges={count} aria-hidden="true" />;
}

export function NetworkDiagram() {
  const tick = useThrottledTick(500);
  const run = useLab((s) => s.runs.find((r) => r.id === s.activeRunId) ?? null);
  const validation = useLab((s) => s.validation);
  const exp = run?.experiment ?? (validation.ok ? validation.experiment : null);
  const inputs = useMemo(() => (exp ? plotData(exp).inputs : 0), [exp]);
  const [selected, setSelected] = useState<string | null>(null);
  // The network as of the last published tick (a new message object each snapshot).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const network = useMemo(() => run?.network ?? null, [run, tick]);
  const widths = useMemo(() => (exp ? [inputs, ...exp.layers.map((l) => l.units)] : []), [exp, inputs]);
  const geo = useMemo(() => (exp && isDrawable(inputs, widths.slice(1)) ? layout(widths) : null), [exp, inputs, widths]);
  const sel = selected?.split(':').map(Number) ?? null;
  const selValid = sel && exp && sel[0]! < widths.length && sel[1]! < widths[sel[0]!]!;

  const edgeCount = geo && network ? network.params.reduce((n, p) => n + p.weights.length * (p.weights[0]?.length ?? 0), 0) : 0;

  return (
    <figure className="view network" aria-label="Network">
      <figcaption>
        <h2>Network</h2>
        <span className="hint">
          edges: <span className="edge-key positive">━ positive</span> <span className="edge-key negative">━ negative</span>, width |w|
          {network ? ` · step ${network.step}` : ''}
        </span>
      </figcaption>
      {!exp ? (
        <p className="empty">Fix the experiment to see its network.</p>
      ) : !geo ? (
        <p className="empty" data-testid="network-too-large">
          This net ({widths.join(' → ')}) is too large to draw legibly: the diagram draws up to {MAX_DRAWN_LAYERS} layers of at most {MAX_DRAWN_UNITS} units. The weight histograms and gradient flow still show it.
        </p>
      ) : (
        <>
          <div className="network-canvas" style={{ aspectRatio: `${W} / ${H}` }}>
            <EdgeCanvas geo={geo} network={network} lit={selValid ? [sel[0]!, sel[1]!] : null} count={edgeCount} />
            {geo.nodes.flat().map((n) => {
              const id = `${n.layer}:${n.index}`;
              const name = n.layer === 0 ? `Input x${n.index + 1}` : `Unit ${id} (layer ${n.layer}${n.layer === widths.length - 1 ? ', output' : ''})`;
              return (
                <button
                  key={id}
                  type="button"
                  className={`unit${n.layer === 0 ? ' input' : ''}${selected === id ? ' selected' : ''}`}
                  data-unit={id}
                  aria-label={name}
                  aria-pressed={selected === id}
                  title={name}
                  style={{
                    left: `${((n.x - geo.size / 2) / W) * 100}%`,
                    top: `${((n.y - geo.size / 2) / H) * 100}%`,
                    width: `${(geo.size / W) * 100}%`,
                    height: `${(geo.size / H) * 100}%`,
                  }}
                  onClick={() => setSelected(selected === id ? null : id)}
                >
                  {n.layer > 0 && network?.activations ? <UnitMap network={network} layer={n.layer} index={n.index} /> : n.layer === 0 && geo.size >= 16 ? `x${n.index + 1}` : null}
                </button>
              );
            })}
          </div>
          {selValid ? <Spotlight exp={exp} network={network} layer={sel[0]!} index={sel[1]!} inputs={inputs} /> : <p className="hint">Click a unit to spotlight it.</p>}
        </>
      )}
    </figure>
  );
}
