/**
 * Starts file transfers for the app: the engine's TransferManager, wired to the store (views,
 * announcements for screen readers) and the per-device auto-accept setting
 * (settings.pairedDevices). Finished transfers are kept with the conversation (renderer/src/history).
 */
import type { FerryEngine } from '../../engine/engine';
import { TransferManager, type TransferManagerDeps } from '../../engine/transfer/transfer-manager';
import type { TransferRecords } from '../../engine/transfer/transfer-records';
import type { TransferView } from '../../engine/transfer/transfer-types';
import type { Host } from '../../host/host';
import { createTranslator, resolveLanguage } from '../../i18n/i18n';
import type { FerryStore } from '../../state/store';
import { acceptsAutomatically, migrateLegacyAutoAccept } from '../devices/paired-devices';
import { formatBytes, formatSummary } from './format';

export interface TransferFeature {
  readonly manager: TransferManager;
  dispose(): void;
}

export interface StartTransfersOptions {
  readonly store: FerryStore;
  readonly engine: Pick<FerryEngine, 'observe'>;
  readonly host: Pick<Host, 'receive' | 'updateSettings' | 'keptSources'>;
  /** Where an older Ferry kept the auto-accept list (moved into the settings at start). */
  readonly storage?: Pick<Storage, 'getItem' | 'removeItem'> | undefined;
  /** Where unfinished transfers are recorded so that they resume after a restart (transfer-records.ts). */
  readonly records?: TransferRecords;
  /** Test seam, passed to the TransferManager. */
  readonly openBulkChannel?: TransferManagerDeps['openBulkChannel'];
}

export function startTransfers(options: StartTransfersOptions): TransferFeature {
  const { store, storage } = options;
  const state = () => store.getState();

  void migrateLegacyAutoAccept(store, options.host, storage).catch(() => undefined);

  const announce = (view: TransferView) => {
    const name = state().devices[view.deviceId]?.name ?? '';
    if (view.direction === 'in' && view.phase === 'awaiting-you') {
      // The summary is part of a message key's params, so it is rendered in today's language here.
      const language = resolveLanguage(state().settings.language, navigator.languages);
      const summary = formatSummary(view.files.length, view.totalBytes, language, createTranslator(language));
      state().announce('transfer.announce.offer', { name, summary });
    } else if (view.phase === 'done') {
      state().announce(view.direction === 'in' ? 'transfer.announce.done' : 'transfer.announce.sent', {
        name,
      });
    } else if (view.phase === 'failed') {
      state().announce('transfer.announce.failed', { name });
    } else if (view.phase === 'declined' && view.limitBytes !== undefined) {
      // Declined by the receiver's limit without anyone pressing a button: say so on both sides.
      const language = resolveLanguage(state().settings.language, navigator.languages);
      const limit = formatBytes(view.limitBytes, language);
      if (view.direction === 'in') state().announce('transfer.phase.declined.tooLarge.you', { limit });
      else state().announce('transfer.phase.declined.tooLarge.peer', { name, limit });
    }
  };

  const manager = new TransferManager({
    engine: options.engine,
    sink: () => options.host.receive,
    autoAccept: (deviceId) => acceptsAutomatically(state().settings, deviceId),
    ...(options.records ? { records: options.records } : {}),
    // Desktop: a sender restart reopens its files through main; a browser asks for them again.
    ...(options.host.keptSources ? { keptSources: options.host.keptSources } : {}),
    ...(options.openBulkChannel ? { openBulkChannel: options.openBulkChannel } : {}),
    actions: {
      transferChanged: (view) => {
        const before = state().transfers[view.key];
        state().transferChanged(view);
        if (before?.phase === view.phase) return;
        announce(view);
      },
    },
  });

  return {
    manager,
    dispose: () => manager.dispose(),
  };
}
