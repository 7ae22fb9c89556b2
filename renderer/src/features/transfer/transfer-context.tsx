import { createContext, useContext, type ReactNode } from 'react';
import type { TransferManager } from '../../engine/transfer/transfer-manager';

const TransferContext = createContext<TransferManager | null>(null);

/** Makes the app's TransferManager available to the transfer UI. */
export function TransferProvider({ manager, children }: { manager: TransferManager; children: ReactNode }) {
  return <TransferContext.Provider value={manager}>{children}</TransferContext.Provider>;
}

export function useTransferManager(): TransferManager {
  const manager = useContext(TransferContext);
  if (!manager) throw new Error('TransferProvider is missing');
  return manager;
}
