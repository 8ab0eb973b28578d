/**
 * Draw your data (ConvNetJS-style): on the decision map, a click adds a point of the chosen class at the
 * clicked inputs, a drag (or a click with the Erase tool) removes the points near it. What is drawn is the
 * experiment's inline data, so Train, Save lab and Export numpy all see it. Typed coordinates do the same
 * from the keyboard.
 */
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useLab } from '../context';
import { classColor } from '../palette';
import { drawnPlotData } from '../state/drawn-data';
import { numberOrText } from '../state/draft';
import type { Bounds } from '../state/decision-map';
import type { PlotData } from '../state/plot-data';

/** The most classes a drawing offers (the palette's distinct class colours). */
export const MAX_DRAW_CLASSES = 8;

export interface DrawState {
  /** A class to add, or erasing. */
  tool: number | 'erase';
  classes: number;
  /** The map's extent while drawing: fixed, so points stay where they were put as the drawing grows. */
  bounds: Bounds;
}

/** Where the map stood when drawing began; an empty or flat plane gets a square around the origin. */
export function drawBounds(b: Bounds | null): Bounds {
  if (!b || ![b.xMin, b.xMax, b.yMin, b.yMax].every(Number.isFinite) || b.xMax <= b.xMin || b.yMax <= b.yMin) return { xMin: -6, xMax: 6, yMin: -6, yMax: 6 };
  return b;
}

/** The drawing as the map shows it (the draft's rows, or the current data's points until the first edit); null when not drawing. */
export function useDrawnPlot(classes: number | null): PlotData | null {
  const draft = useLab((s) => s.draft);
  const validation = useLab((s) => s.validation);
  const drawnData = useLab((s) => s.drawnData);
  return useMemo(() => {
    if (classes === null) return null;
    const d = drawnData();
    const width = Math.max(classes, d.y[0]?.length ?? 0);
    const f = numberOrText(draft.testRatio);
    return drawnPlotData(d, width, typeof f === 'number' ? f : 0);
    // The rows come from the draft and its validation; drawnData reads them from the store.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft, validation, classes]);
}

/**
 * The keyboard's way to draw (and a teacher's way to place a point exactly): type x₁ and x₂, then Add
 * puts a point of the chosen class there, or Erase clears around it, as a click on the map would.
 */
function PointEntry({ draw, eraseRadius }: { draw: DrawState; eraseRadius: number }) {
  const id = useId();
  const drawPoint = useLab((s) => s.drawPoint);
  const eraseDrawn = useLab((s) => s.eraseDrawn);
  const [x1, setX1] = useState('0');
  const [x2, setX2] = useState('0');
  const [message, setMessage] = useState('');
  const erase = draw.tool === 'erase';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const a = numberOrText(x1);
    const b = numberOrText(x2);
    if (typeof a !== 'number' || typeof b !== 'number') {
      setMessage(`${typeof a !== 'number' ? 'x₁' : 'x₂'}: type a number`);
      return;
    }
    setMessage('');
    if (draw.tool === 'erase') eraseDrawn(a, b, eraseRadius);
    else drawPoint(a, b, draw.tool, draw.classes);
  };
  return (
    <form className="point-entry" onSubmit={submit} aria-label="Point by coordinates">
      <label htmlFor={`${id}-x1`}>x₁</label>
      <input id={`${id}-x1`} type="text" inputMode="decimal" size={5} value={x1} onChange={(e) => setX1(e.target.value)} aria-describedby={message ? `${id}-msg` : undefined} />
      <label htmlFor={`${id}-x2`}>x₂</label>
      <input id={`${id}-x2`} type="text" inputMode="decimal" size={5} value={x2} onChange={(e) => setX2(e.target.value)} aria-describedby={message ? `${id}-msg` : undefined} />
      <button type="submit">{erase ? 'Erase there' : `Add class ${String(draw.tool)} point`}</button>
      {message ? (
        <span className="field-msg" id={`${id}-msg`} role="alert">
          {message}
        </span>
      ) : null}
    </form>
  );
}

/** `eraseRadius`: what Erase clears around a typed point (input units), the pointer's radius on the map as drawn. */
export function DrawTools({ draw, setDraw, points, eraseRadius }: { draw: DrawState; setDraw: (d: DrawState) => void; points: number; eraseRadius: number }) {
  const clear = useLab((s) => s.clearDrawn);
  const classes = Array.from({ length: draw.classes }, (_, c) => c);
  return (
    <div className="draw-tools" role="group" aria-label="Draw data">
      <div role="radiogroup" aria-label="Drawing tool" className="draw-tool-list">
        {classes.map((c) => (
          <label key={c} className="inline">
            <input type="radio" name="draw-tool" checked={draw.tool === c} onChange={() => setDraw({ ...draw, tool: c })} />
            <span className="swatch" style={{ background: classColor(c) }} aria-hidden="true" /> Class {c}
          </label>
        ))}
        <label className="inline">
          <input type="radio" name="draw-tool" checked={draw.tool === 'erase'} onChange={() => setDraw({ ...draw, tool: 'erase' })} /> Erase
        </label>
      </div>
      <button type="button" disabled={draw.classes >= MAX_DRAW_CLASSES} onClick={() => setDraw({ ...draw, classes: draw.classes + 1, tool: draw.classes })}>
        Add class
      </button>
      <button type="button" onClick={clear}>
        Clear
      </button>
      <PointEntry draw={draw} eraseRadius={eraseRadius} />
      <span className="hint" aria-live="polite">
        {points} point{points === 1 ? '' : 's'}: click to add, drag to erase, or type a point
      </span>
    </div>
  );
}
