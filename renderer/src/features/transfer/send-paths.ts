/**
 * Offering files from outside the open conversation: files dropped on a device in the sidebar,
 * and files chosen in the desktop app's own file dialog (the tray's "Send files…", read by path
 * in the main process). What happens is announced, since it may not be on screen.
 */
import type { TransferManager } from '../../engine/transfer/transfer-manager';
import type { OutgoingFiles } from '../../engine/transfer/transfer-types';
import type { Host } from '../../host/host';
import type { FerryStore } from '../../state/store';
import { offer } from './offer';

export interface OfferDeps {
  readonly store: FerryStore;
  readonly manager: Pick<TransferManager, 'sendFiles'>;
}

/** Offers what `prepare` reads to a device, and announces the outcome. */
export async function offerFiles(
  deps: OfferDeps,
  peerId: string,
  prepare: () => Promise<OutgoingFiles>,
): Promise<void> {
  const outcome = await offer(deps.manager, peerId, prepare);
  const { devices, announce } = deps.store.getState();
  const name = devices[peerId]?.name ?? '';
  announce(outcome === 'offered' ? 'transfer.sendingChosen' : `transfer.notSentTo.${outcome}`, { name });
}

export async function sendChosenPaths(
  deps: OfferDeps & { readonly host: Pick<Host, 'readPaths'> },
  peerId: string,
  paths: readonly string[],
): Promise<void> {
  const readPaths = deps.host.readPaths;
  if (!readPaths) {
    const name = deps.store.getState().devices[peerId]?.name ?? '';
    return deps.store.getState().announce('desktop.sendFilesHint', { name });
  }
  return offerFiles(deps, peerId, () => readPaths(paths));
}
