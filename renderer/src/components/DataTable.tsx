/**
 * Every view's "Data" toggle: the plotted numbers as a table named "<view> data" — the accessible
 * alternative to the chart, and a way for a teacher to copy the numbers.
 */
import { useState, type ReactNode } from 'react';

export type Cell = string | number;

/** Rows beyond this are left out (the count says so); a million-step run's history stays a few hundred rows per run. */
const MAX_ROWS = 2000;

export function useDataToggle(): [boolean, ReactNode] {
  const [open, setOpen] = useState(false);
  const button = (
    <button type="button" className="data-toggle" aria-pressed={open} onClick={() => setOpen(!open)}>
      Data
    </button>
  );
  return [open, button];
}

export function DataTable({ name, columns, rows }: { name: string; columns: readonly string[]; rows: readonly Cell[][] }) {
  const shown = rows.length > MAX_ROWS ? rows.slice(0, MAX_ROWS) : rows;
  return (
    <div className="data-table" tabIndex={0} role="region" aria-label={`${name} (scrollable)`}>
      <table aria-label={name}>
        <caption>
          {name}
          {rows.length > MAX_ROWS ? ` (first ${MAX_ROWS} of ${rows.length} rows)` : ''}
        </caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p className="empty">No numbers yet: train a step.</p> : null}
    </div>
  );
}
