/**
 * The lab's store, in slices (zustand's slices pattern): each slice is a file under slices/ with its own
 * state and actions, and reaches the others only through `get()` of the combined state. Data flows one
 * way: controls call actions, actions send commands to the trainer, trainer messages land in the runs,
 * views read narrow selectors.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { TrainerHost } from '../host/types';
import { createDraftSlice, DEFAULT_PRESET, type DraftSlice } from './slices/draft';
import { createHostSlice, type HostSlice } from './slices/host';
import { createLibrarySlice, type LibrarySlice } from './slices/library';
import { createRunsSlice, type RunsSlice } from './slices/runs';
import { createSweepSlice, type SweepSlice } from './slices/sweep';
import { createViewSlice, type ViewSlice } from './slices/view';

export { DEFAULT_PRESET } from './slices/draft';
export { PUBLISH_MS } from './slices/host';
export { MAX_RUNS } from './slices/runs';

export type LabState = DraftSlice & RunsSlice & HostSlice & LibrarySlice & ViewSlice & SweepSlice;
export type LabStore = StoreApi<LabState>;

export function createLabStore(host: TrainerHost, initialPreset = DEFAULT_PRESET): LabStore {
  const store = createStore<LabState>()((...a) => ({
    ...createDraftSlice(initialPreset)(...a),
    ...createRunsSlice(...a),
    ...createHostSlice(host)(...a),
    ...createLibrarySlice(host.desktop ?? null)(...a),
    ...createViewSlice(...a),
    ...createSweepSlice(host.sweepPool ?? null)(...a),
  }));
  store.getState().openLibrary();
  return store;
}
