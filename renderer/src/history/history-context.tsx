import { createContext, useContext, type ReactNode } from 'react';
import type { HistoryFeature } from './start-history';

const HistoryContext = createContext<HistoryFeature | null>(null);

/** Makes the kept history (paging back, deleting a conversation) available to the conversation UI. */
export function HistoryProvider({ history, children }: { history: HistoryFeature; children: ReactNode }) {
  return <HistoryContext.Provider value={history}>{children}</HistoryContext.Provider>;
}

/** Null where no history is kept (component tests without the provider). */
export function useConversationHistory(): HistoryFeature | null {
  return useContext(HistoryContext);
}
