/**
 * The browser build's run library: finished runs kept in IndexedDB (through idb-keyval), so a reload
 * still lists them and any of them can be put back beside the others, like the desktop library. Records
 * are stored as structured clones, so NaN and ±Infinity in a history survive as they are.
 */
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';
import type { LibraryEntry, Listing, LoadResult, SavedRun } from '../../../core/contract/api';
import { SavedRunSchema } from '../../../core/contract/run-file';
import { issuesOf, summarize } from '../../../core/contract/protocol';

/** Oldest runs beyond this are dropped: a long run's every loss is megabytes. */
export const MAX_BROWSER_RUNS = 40;

export interface RunLibrary {
  listRuns(): Promise<Listing<LibraryEntry & { status: SavedRun['status'] }>>;
  loadRun(id: string): Promise<LoadResult<SavedRun>>;
  saveRun(run: SavedRun): Promise<LoadResult<LibraryEntry>>;
}

export function browserRunLibrary(): RunLibrary | null {
  if (typeof indexedDB === 'undefined') return null;
  let db: UseStore | null = null;
  const store = () => (db ??= createStore('nnlab-runs', 'runs'));
  const list = async () => {
    const all = (await entries<string, SavedRun>(store())).map(([, r]) => r);
    return all.sort((a, b) => b.endedAt.localeCompare(a.endedAt));
  };
  return {
    async listRuns() {
      const notices: string[] = [];
      const runs = [];
      for (const r of await list()) {
        const p = SavedRunSchema.safeParse(r);
        if (p.success) runs.push({ id: p.data.id, name: p.data.name, savedAt: p.data.endedAt, status: p.data.status });
        else notices.push(`A saved run in this browser could not be read and was left out: ${summarize(issuesOf(p.error))}`);
      }
      return { entries: runs, notices };
    },
    async loadRun(id) {
      const r = await get<SavedRun>(id, store());
      return r ? { ok: true, value: r } : { ok: false, message: `no saved run ${id} in this browser` };
    },
    async saveRun(run) {
      const p = SavedRunSchema.safeParse(run);
      if (!p.success) return { ok: false, message: `invalid run: ${summarize(issuesOf(p.error))}` };
      await set(run.id, run, store());
      const all = await list();
      for (const old of all.slice(MAX_BROWSER_RUNS)) await del(old.id, store());
      return { ok: true, value: { id: run.id, name: run.name, savedAt: run.endedAt } };
    },
  };
}
