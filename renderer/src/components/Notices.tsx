/**
 * What files and the library have to tell the user: an experiment opened or saved, a run exported, a
 * corrupt file set aside. Always in the page, so a screen reader hears what is added to it.
 */
import { useLab } from '../context';

export function Notices() {
  const notices = useLab((s) => s.notices);
  const dismiss = useLab((s) => s.dismissNotice);
  return (
    <div className="notices" role="status" aria-label="Notices">
      {notices.map((n) => (
        <p key={n.id} className={`notice-line notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : undefined}>
          <span>{n.text}</span>{' '}
          <button type="button" className="dismiss" onClick={() => dismiss(n.id)} aria-label={`Dismiss: ${n.text}`}>
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
