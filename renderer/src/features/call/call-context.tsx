import { createContext, useContext, type ReactNode } from 'react';
import type { CallManager } from '../../engine/call/call-manager';

const CallContext = createContext<CallManager | null>(null);

/** Makes the app's CallManager available to the call UI. */
export function CallProvider({ manager, children }: { manager: CallManager; children: ReactNode }) {
  return <CallContext.Provider value={manager}>{children}</CallContext.Provider>;
}

export function useCalls(): CallManager {
  const manager = useContext(CallContext);
  if (!manager) throw new Error('CallProvider is missing');
  return manager;
}
