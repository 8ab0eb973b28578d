/**
 * The desktop library as the lab sees it: ids for saved runs, notices for the user, and the wording of
 * what the File menu's results mean. Pure, so the store's desktop seam is tested without a window.
 */
import type { FieldIssue } from '../../../core';
import type { LibraryEntry, OpenResult, SaveResult, SavedRun } from '../../../core/contract/api';

export interface Notice {
  readonly id: number;
  readonly kind: 'info' | 'error';
  readonly text: string;
}

/** How many notices stay on screen; older ones drop off so the area never grows without bound. */
export const MAX_NOTICES = 6;

export type SavedRunEntry = LibraryEntry & { status: SavedRun['status'] };

/**
 * A library id (also the file name) that stays unique across sessions: saved runs are never
 * overwritten by a later session's "Run 1".
 */
export function libraryRunId(now: Date, n: number, salt = Math.random()): string {
  const stamp = now.toISOString().replace(/[-:.TZ]/g, '');
  return `run-${stamp}-${n}-${Math.floor(salt * 36 ** 4).toString(36)}`;
}

export function issuesText(issues: readonly FieldIssue[] | undefined): string {
  return issues?.length ? issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') : '';
}

/** The notice for an Open experiment… that did not give an experiment, or null when the user cancelled. */
export function openFailureText(result: Exclude<OpenResult, { ok: true }>): string | null {
  if (result.canceled) return null;
  const detail = issuesText(result.issues);
  return `Could not open the experiment: ${result.message}${detail && !result.message.includes(detail) ? ` (${detail})` : ''}`;
}

/** The notice for a save or export, or null when the user cancelled the dialog. */
export function saveResultNotice(what: string, result: SaveResult): Omit<Notice, 'id'> | null {
  if (result.ok) return { kind: 'info', text: `${what} saved to ${result.path}` };
  if (result.canceled) return null;
  return { kind: 'error', text: `Could not save ${what.toLowerCase()}: ${result.message}` };
}

export const EXPORT_LABEL = { csv: 'Run CSV', json: 'Run JSON', numpy: 'Numpy script' } as const;
