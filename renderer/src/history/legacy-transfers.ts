/**
 * Before the conversation history, finished transfers were kept on their own in IndexedDB database
 * "ferry-transfers". At start their views move into the history (one transaction) and the old
 * database is deleted, so nobody loses the transfers they had.
 */
import { deleteDB, openDB } from 'idb';
import { FINISHED_PHASES, type TransferView } from '../engine/transfer/transfer-types';
import { transferLine } from './history-lines';
import type { ConversationHistory } from './history-store';

export const LEGACY_TRANSFERS_DB = 'ferry-transfers';

function looksLikeView(value: unknown): value is TransferView {
  return (
    typeof value === 'object' &&
    value !== null &&
    'key' in value &&
    'deviceId' in value &&
    typeof value.deviceId === 'string' &&
    'phase' in value &&
    typeof value.phase === 'string' &&
    FINISHED_PHASES.has(value.phase as TransferView['phase'])
  );
}

/** Moves the old transfer list into `history`; how many views moved (0 when there was none). */
export async function importLegacyTransfers(history: ConversationHistory): Promise<number> {
  // Opening a database that is not there would create it: look first.
  const names = (await indexedDB.databases?.()) ?? [];
  if (!names.some((info) => info.name === LEGACY_TRANSFERS_DB)) return 0;
  const legacy = await openDB(LEGACY_TRANSFERS_DB);
  const views = legacy.objectStoreNames.contains('transfers')
    ? ((await legacy.getAll('transfers')) as unknown[]).filter(looksLikeView)
    : [];
  legacy.close();
  await history.save(views.map(transferLine));
  // Only once they are safely in the history.
  await deleteDB(LEGACY_TRANSFERS_DB);
  return views.length;
}
