/** Saved lab state (experiment draft + view + optional lesson), validated on open so a foreign or corrupt file is refused whole. */
import { parseLabFileText, type Lesson } from '../../../core/contract/lab-file';
import type { Draft } from './draft';
import type { ViewState } from './view';

export function parseLabFile(
  text: string,
): { ok: true; draft: Draft; view: Partial<ViewState>; lesson: Lesson | null } | { ok: false; message: string } {
  const r = parseLabFileText(text);
  if (!r.ok) return r;
  return { ok: true, draft: r.file.draft as Draft, view: r.file.view as Partial<ViewState>, lesson: r.file.lesson ?? null };
}
