/** The desktop library's finished runs; any of them can join the runs panel to be compared with the others. */
import { useLab } from '../context';

export function SavedRuns() {
  const saved = useLab((s) => s.savedRuns);
  const load = useLab((s) => s.loadSavedRun);
  if (saved === null) return null;
  return (
    <section className="view saved-runs" aria-label="Saved runs">
      <h2>Saved runs</h2>
      {saved.length === 0 ? (
        <p className="notice">Finished runs are saved here.</p>
      ) : (
        <ul className="saved-run-list">
          {saved.map((e) => (
            <li key={e.id}>
              <button type="button" onClick={() => void load(e.id)} aria-label={`Compare saved run ${e.name} (${e.status}, ${e.savedAt})`}>
                Compare
              </button>{' '}
              {e.name} <span className={`state-${e.status}`}>{e.status}</span> <time dateTime={e.savedAt}>{e.savedAt.replace('T', ' ').slice(0, 19)}</time>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
