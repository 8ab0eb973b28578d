import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { LabState, LabStore } from './state/store';

export const LabContext = createContext<LabStore | null>(null);

export function useLab<T>(selector: (s: LabState) => T): T {
  const store = useContext(LabContext);
  if (!store) throw new Error('useLab outside <LabContext.Provider>');
  return useStore(store, selector);
}

export function useLabStore(): LabStore {
  const store = useContext(LabContext);
  if (!store) throw new Error('useLabStore outside <LabContext.Provider>');
  return store;
}
