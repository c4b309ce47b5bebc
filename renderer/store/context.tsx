// Gives components the one app store, and a selector hook over it.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppActions, AppState, AppStore } from './app-store.ts';

const StoreContext = createContext<AppStore<File> | null>(null);

export function StoreProvider({ store, children }: { store: AppStore<File>; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

function useAppStore(): AppStore<File> {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreProvider is missing');
  return store;
}

/** Select a slice of state; return primitives or stable references (zustand v5 compares with Object.is). */
export function useApp<T>(selector: (state: AppState & AppActions<File>) => T): T {
  return useStore(useAppStore(), selector);
}

/**
 * The actions. They are the same functions in every state, so they are read
 * once per store: getState() itself returns a new object after each change, and
 * an effect that depended on it would re-run (and re-subscribe) every time.
 */
export function useActions(): AppActions<File> {
  const store = useAppStore();
  return useMemo(() => store.getState(), [store]);
}
