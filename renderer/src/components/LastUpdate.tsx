/**
 * One update, explained: after Step (or → in presentation), what that single update did — the batch's
 * loss before and after, each layer's gradient and update norms, the training points whose class
 * flipped (ringed on the decision map), and one sample's forward and backward pass with the formulas.
 * The numbers are the trainer's own (core/explain.ts), the same the exported numpy script prints.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import './glass-box.css';
import { useEffect, useRef } from 'react';
import type { SampleRecord } from '../../../core';
import { useLab } from '../context';
import { fmtInt } from '../format';
import { download } from './download';
import { useThrottledTick } from './useThrottledTick';

/** Six significant digits on screen; the exact double in data-value (what the end-to-end test compares). */
const fmt = (v: number | null) => (v === null ? '—' : Number.isFinite(v) ? Number(v.toPrecision(6)).toString() : String(v));

/**
 * KaTeX builds its DOM itself: its sizes and offsets land through the CSSOM, which the CSP's
 * style-src 'self' allows (renderToString's inline style attributes would be blocked).
 */
function useKatex<E extends HTMLElement>(tex: string, displayMode: boolean) {
  const ref = useRef<E>(null);
  useEffect(() => {
    if (ref.current) katex.render(tex, ref.current, { throwOnError: false, displayMode, output: 'htmlAndMathml' });
  }, [tex, displayMode]);
  return ref;
}

function Tex({ tex, label }: { tex: string; label?: string }) {
  const ref = useKatex<HTMLDivElement>(tex, true);
  // Scrolls sideways on narrow panels, so it takes focus (keyboard users can scroll it too).
  return <div ref={ref} className="tex" role="math" aria-label={label} tabIndex={0} />;
}

function TexInline({ tex }: { tex: string }) {
  const ref = useKatex<HTMLSpanElement>(tex, false);
  return <span ref={ref} className="tex-inline" />;
}

const SLOPE: Record<string, string> = {
  linear: "f'(z) = 1",
  relu: "f'(z) = [z \\ge 0]",
  tanh: "f'(z) = 1 - a^2",
  sigmoid: "f'(z) = a(1 - a)",
};

function Num({ v, testid }: { v: number | null; testid?: string }) {
  return (
    <span data-value={v === null ? '' : String(v)} data-testid={testid}>
      {fmt(v)}
    </span>
  );
}

function SampleRecordView({ record }: { record: SampleRecord }) {
  return (
    <div className="sample-record" data-testid="sample-record" data-row={record.row}>
      <p>
        Sample row {record.row}: x = [<Nums values={record.x} />], y = [<Nums values={record.y} />]
      </p>
      <Tex tex={"z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}, \\qquad a^{(l)} = f_l\\big(z^{(l)}\\big), \\qquad a^{(0)} = x"} label="Forward: z of layer l is the previous activation times W plus b; a is f of z" />
      <Tex
        tex={"\\delta^{(L)} = \\frac{\\partial \\mathcal{L}}{\\partial z^{(L)}}, \\qquad \\delta^{(l)} = \\big(\\delta^{(l+1)} W^{(l+1)\\top}\\big) \\odot f_l'\\big(z^{(l)}\\big)"}
        label="Backward: delta of the last layer is the loss gradient at z; delta of layer l is delta of layer l+1 times W transposed, times f prime of z"
      />
      {record.layers.map((layer, l) => (
        <table key={l} className="record-table" data-layer={l + 1}>
          <caption>
            Layer {l + 1} ({layer.activation}, <TexInline tex={SLOPE[layer.activation]!} />)
          </caption>
          <thead>
            <tr>
              <th scope="col">Unit</th>
              <th scope="col">z</th>
              <th scope="col">a</th>
              <th scope="col">δ</th>
            </tr>
          </thead>
          <tbody>
            {layer.z.map((z, j) => (
              <tr key={j}>
                <th scope="row">{j}</th>
                <td>
                  <Num v={z} />
                </td>
                <td>
                  <Num v={layer.a[j]!} />
                </td>
                <td>
                  <Num v={layer.delta[j]!} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

function Nums({ values }: { values: number[] }) {
  return (
    <>
      {values.map((v, i) => (
        <span key={i}>
          {i ? ', ' : ''}
          <Num v={v} />
        </span>
      ))}
    </>
  );
}

export function LastUpdate() {
  useThrottledTick(250);
  const run = useLab((s) => s.runs.find((r) => r.id === s.activeRunId) ?? null);
  const explainRow = useLab((s) => s.explainRow);
  const setExplainRow = useLab((s) => s.setExplainRow);
  const exportStep = useLab((s) => s.exportStep);
  const e = run?.explanation ?? null;
  const records = e ? (e.samples ?? [e.sample]) : [];
  const record = records.find((r) => r.row === explainRow) ?? e?.sample ?? null;

  return (
    <section className="view last-update" aria-label="Last update" role="region">
      <h2>Last update</h2>
      {!run || !e ? (
        <p className="empty">Press Step (or → in presentation mode) to take one update and see what it did.</p>
      ) : (
        <>
          <p className="hint">
            Step {fmtInt(e.step + 1)} of {run.label}: a batch of {fmtInt(e.batchRows.length)} rows, learning rate η = {fmt(e.learningRate)}
            {run.step !== e.step + 1 ? ` (the run has since moved on to step ${fmtInt(run.step)})` : ''}.
          </p>
          <dl className="loss-pair">
            <div>
              <dt>Loss before</dt>
              <dd>
                <Num v={e.lossBefore} testid="loss-before" />
              </dd>
            </div>
            <div>
              <dt>Loss after</dt>
              <dd>
                <Num v={e.lossAfter} testid="loss-after" />
              </dd>
            </div>
            <div>
              <dt>Change</dt>
              <dd>{fmt(e.lossAfter - e.lossBefore)}</dd>
            </div>
          </dl>
          <Tex tex={"\\Delta W^{(l)} = -\\eta\\, \\frac{\\partial \\mathcal{L}}{\\partial W^{(l)}}, \\qquad \\frac{\\partial \\mathcal{L}}{\\partial W^{(l)}} = a^{(l-1)\\top} \\delta^{(l)}"} label="The update: delta W is minus eta times the gradient, which is the previous activation transposed times delta" />
          <table className="update-table" data-testid="update-table">
            <caption>Per layer</caption>
            <thead>
              <tr>
                <th scope="col">Layer</th>
                <th scope="col">‖∂L/∂W‖</th>
                <th scope="col">‖ΔW‖</th>
                <th scope="col">‖ΔW‖/‖W‖</th>
              </tr>
            </thead>
            <tbody>
              {e.layers.map((l, i) => (
                <tr key={i} data-layer={i + 1}>
                  <th scope="row">{i + 1}</th>
                  <td>
                    <Num v={l.gradNorm} />
                  </td>
                  <td>
                    <Num v={l.updateNorm} />
                  </td>
                  <td>
                    <Num v={l.updateRatio} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p data-testid="flipped" data-rows={e.flipped.join(',')}>
            {e.flipped.length
              ? `Points whose predicted class flipped (ringed on the decision map): row${e.flipped.length > 1 ? 's' : ''} ${e.flipped.slice(0, 20).join(', ')}${e.flipped.length > 20 ? ` and ${e.flipped.length - 20} more` : ''}.`
              : 'No training point changed its predicted class.'}
          </p>
          <div className="explain-controls">
            <label>
              Sample{' '}
              <select value={record?.row ?? ''} onChange={(ev) => setExplainRow(Number(ev.target.value))}>
                {records.map((r) => (
                  <option key={r.row} value={r.row}>
                    row {r.row}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              onClick={() => {
                if (record) void exportStep(record.row).then((f) => f && download(f.name, f.text, f.type));
              }}
            >
              Export this step as numpy
            </button>
          </div>
          {record ? <SampleRecordView record={record} /> : null}
        </>
      )}
    </section>
  );
}
