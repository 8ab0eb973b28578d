/**
 * One store slice on its own: a zustand store holding just that slice, with the rest of the lab stubbed.
 * What the slice asks of the other slices (through `get()`) is what the stubs record.
 */
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { LabState } from '../../renderer/src/state/store';

export function sliceStore<S>(slice: StateCreator<LabState, [], [], S>, rest: Partial<LabState> = {}): StoreApi<LabState> {
  return createStore<LabState>()((set, get, api) => ({ ...(rest as LabState), ...slice(set, get, api) }));
}
