import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { FerryEngine } from '../engine/engine';
import type { Host } from '../host/host';
import { createTranslator, resolveLanguage, type Translate } from '../i18n/i18n';
import type { FerryState, FerryStore } from '../state/store';

interface FerryContextValue {
  readonly store: FerryStore;
  readonly engine: FerryEngine;
  readonly host: Host;
}

const FerryContext = createContext<FerryContextValue | null>(null);

export function FerryProvider({ value, children }: { value: FerryContextValue; children: ReactNode }) {
  return <FerryContext.Provider value={value}>{children}</FerryContext.Provider>;
}

function useFerryContext(): FerryContextValue {
  const value = useContext(FerryContext);
  if (!value) throw new Error('FerryProvider is missing');
  return value;
}

export function useFerry<T>(selector: (state: FerryState) => T): T {
  return useStore(useFerryContext().store, selector);
}

export function useEngine(): FerryEngine {
  return useFerryContext().engine;
}

export function useHost(): Host {
  return useFerryContext().host;
}

export function useLanguage() {
  const choice = useFerry((state) => state.settings.language);
  return resolveLanguage(choice, navigator.languages);
}

export function useT(): Translate {
  const language = useLanguage();
  return useMemo(() => createTranslator(language), [language]);
}

/** The store itself, for actions that read and write it outside rendering (event handlers). */
export function useFerryStore(): FerryStore {
  return useFerryContext().store;
}
