/** Compare's control: final loss per init scheme over N seeds (median and min–max), beside the live runs. */
import { WEIGHT_SCHEMES } from '../../../core';
import { useLab } from '../context';
import { fmtLoss } from '../format';
import { INIT_LABEL } from '../state/draft';
import { seedSummary } from '../state/sweep-results';

export function PairedSeeds() {
  const control = useLab((s) => s.seedControl);
  if (!control) return null;
  const rows = seedSummary(control.runs, WEIGHT_SCHEMES);
  const ended = control.runs.length;
  return (
    <section className="view paired-seeds" aria-label="Paired seeds">
      <h2>Paired seeds</h2>
      <p className="hint">
        Every init scheme over seeds {control.seeds[0]}–{control.seeds[control.seeds.length - 1]} ({control.seeds.length} per scheme): {ended} of {control.total} runs ended
        {control.phase === 'running' ? '…' : control.phase === 'stopped' ? ' (stopped)' : ''}
      </p>
      <table className="compare-table">
        <caption>Final loss over seeds, per init scheme</caption>
        <thead>
          <tr>
            <th scope="col">Init scheme</th>
            <th scope="col">Runs</th>
            <th scope="col">Median final loss</th>
            <th scope="col">Spread (min – max)</th>
            <th scope="col">Diverged</th>
            <th scope="col">Failed</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.scheme}>
              <th scope="row">{INIT_LABEL[r.scheme]}</th>
              <td>{r.runs}</td>
              <td>{r.spread ? fmtLoss(r.spread.median) : '—'}</td>
              <td>{r.spread ? `${fmtLoss(r.spread.min)} – ${fmtLoss(r.spread.max)}` : '—'}</td>
              <td>{r.diverged}</td>
              <td>{r.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
