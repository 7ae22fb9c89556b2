/**
 * Starts file transfers for the app: the engine's TransferManager, wired to the store (views,
 * announcements for screen readers), the transfer history in IndexedDB, and the per-device
 * auto-accept choice (kept in this renderer's localStorage).
 */
import type { FerryEngine } from '../../engine/engine';
import { TransferManager } from '../../engine/transfer/transfer-manager';
import { FINISHED_PHASES, type TransferView } from '../../engine/transfer/transfer-types';
import type { Host } from '../../host/host';
import { createTranslator, resolveLanguage } from '../../i18n/i18n';
import type { FerryStore } from '../../state/store';
import { formatSummary } from './format';
import { openTransferHistory, type TransferHistory } from './transfer-history';

const AUTO_ACCEPT_KEY = 'ferry.autoAccept.v1';

export interface TransferFeature {
  readonly manager: TransferManager;
  dispose(): void;
}

export interface StartTransfersOptions {
  readonly store: FerryStore;
  readonly engine: Pick<FerryEngine, 'observe'>;
  readonly host: Pick<Host, 'receive'>;
  readonly storage?: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  readonly history?: TransferHistory | null;
}

function loadAutoAccept(storage: StartTransfersOptions['storage']): string[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(AUTO_ACCEPT_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export function startTransfers(options: StartTransfersOptions): TransferFeature {
  const { store, storage } = options;
  const history = options.history === undefined ? openTransferHistory() : options.history;
  const state = () => store.getState();

  for (const deviceId of loadAutoAccept(storage)) state().setAutoAccept(deviceId, true);
  const unsubscribe = store.subscribe((next, previous) => {
    if (next.autoAcceptFrom !== previous.autoAcceptFrom) {
      storage?.setItem(AUTO_ACCEPT_KEY, JSON.stringify(next.autoAcceptFrom));
    }
  });

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
    }
  };

  const manager = new TransferManager({
    engine: options.engine,
    sink: () => options.host.receive,
    autoAccept: (deviceId) => state().autoAcceptFrom.includes(deviceId),
    actions: {
      transferChanged: (view) => {
        const before = state().transfers[view.key];
        state().transferChanged(view);
        if (before?.phase === view.phase) return;
        announce(view);
        if (FINISHED_PHASES.has(view.phase)) void history?.save(view).catch(() => undefined);
      },
    },
  });

  void history
    ?.load()
    .then((views) => state().transfersRestored(views))
    .catch(() => undefined);

  return {
    manager,
    dispose: () => {
      unsubscribe();
      manager.dispose();
    },
  };
}
