/**
 * The history of transfers, kept in IndexedDB so it survives a restart: each transfer is saved
 * when it ends (done, declined, cancelled, failed) and loaded into the store at start. Only its
 * view is kept (names, sizes, outcome, where files were saved), never file contents.
 */
import { FINISHED_PHASES, type TransferView } from '../../engine/transfer/transfer-types';

const DB_NAME = 'ferry-transfers';
const STORE = 'transfers';
/** Older entries are dropped beyond this many. */
const MAX_ENTRIES = 500;

export interface TransferHistory {
  load(): Promise<TransferView[]>;
  save(view: TransferView): Promise<void>;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function looksLikeView(value: unknown): value is TransferView {
  return (
    typeof value === 'object' &&
    value !== null &&
    'key' in value &&
    'phase' in value &&
    'files' in value &&
    Array.isArray(value.files) &&
    typeof value.phase === 'string' &&
    FINISHED_PHASES.has(value.phase as TransferView['phase'])
  );
}

/** Null where IndexedDB is missing (a test environment); the app then keeps no history. */
export function openTransferHistory(
  indexedDb: IDBFactory | undefined = globalThis.indexedDB,
): TransferHistory | null {
  if (!indexedDb) return null;
  let db: Promise<IDBDatabase> | null = null;
  const open = () => {
    db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDb.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(STORE, { keyPath: 'key' });
        store.createIndex('createdAt', 'createdAt');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
    });
    return db;
  };

  return {
    async load() {
      const store = (await open()).transaction(STORE, 'readonly').objectStore(STORE);
      const all = await request(store.getAll());
      return all.filter(looksLikeView).sort((a, b) => a.createdAt - b.createdAt);
    },
    async save(view) {
      if (!FINISHED_PHASES.has(view.phase)) return;
      const database = await open();
      // Speed means nothing once it has ended.
      // Nor can Retry: after a restart only the sender's offering it again can resume it.
      const { resumableBy: _resumable, ...ended } = view;
      const stored: TransferView = { ...ended, bytesPerSecond: 0, secondsLeft: null };
      await request(database.transaction(STORE, 'readwrite').objectStore(STORE).put(stored));
      const count = await request(database.transaction(STORE, 'readonly').objectStore(STORE).count());
      if (count <= MAX_ENTRIES) return;
      const store = database.transaction(STORE, 'readwrite').objectStore(STORE);
      const cursor = store.index('createdAt').openCursor();
      let excess = count - MAX_ENTRIES;
      await new Promise<void>((resolve) => {
        cursor.onsuccess = () => {
          const current = cursor.result;
          if (!current || excess <= 0) return resolve();
          current.delete();
          excess--;
          current.continue();
        };
        cursor.onerror = () => resolve();
      });
    },
  };
}
