import type { SendFilesOutcome, TransferManager } from '../../engine/transfer/transfer-manager';
import type { OutgoingFiles } from '../../engine/transfer/transfer-types';

/** How offering files to a device went: offered, the files could not be read, or why not sent. */
export type OfferOutcome = SendFilesOutcome['outcome'] | 'unreadable';

/**
 * Reads what `prepare` chose and offers it to a device. A source that was not offered is closed
 * (files the desktop app opened by path are released). Callers say the outcome their own way.
 */
export async function offer(
  manager: Pick<TransferManager, 'sendFiles'>,
  peerId: string,
  prepare: () => Promise<OutgoingFiles>,
): Promise<OfferOutcome> {
  let source: OutgoingFiles;
  try {
    source = await prepare();
  } catch {
    return 'unreadable';
  }
  const { outcome } = manager.sendFiles(peerId, source);
  if (outcome !== 'offered') source.close?.();
  return outcome;
}
