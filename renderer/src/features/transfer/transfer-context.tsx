import { createContext, useContext, type ReactNode } from 'react';
import type { TransferManager } from '../../engine/transfer/transfer-manager';
import type { MakeThumbnail } from './thumbnail/thumbnails';

const TransferContext = createContext<TransferManager | null>(null);
const ThumbnailContext = createContext<MakeThumbnail | null>(null);

/**
 * Makes the app's TransferManager available to the transfer UI, and where the host can hand over
 * saved files (the browser client), what makes thumbnails of received images.
 */
export function TransferProvider({
  manager,
  thumbnails = null,
  children,
}: {
  manager: TransferManager;
  thumbnails?: MakeThumbnail | null;
  children: ReactNode;
}) {
  return (
    <TransferContext.Provider value={manager}>
      <ThumbnailContext.Provider value={thumbnails}>{children}</ThumbnailContext.Provider>
    </TransferContext.Provider>
  );
}

export function useTransferManager(): TransferManager {
  const manager = useContext(TransferContext);
  if (!manager) throw new Error('TransferProvider is missing');
  return manager;
}

/** Null where no thumbnails are made: the cards show each file's kind instead. */
export function useThumbnails(): MakeThumbnail | null {
  return useContext(ThumbnailContext);
}
