/**
 * Reads slices of the files a person picked or dropped, for sending, in a dedicated worker.
 *
 * In Chromium `Blob.slice()` and `arrayBuffer()` cost the calling thread milliseconds per call
 * (sampled on the sender during bench:transfer's chat run: with the hashing, they were most of the
 * page's long tasks, and a chat message waited behind them). In a worker they cost the page one
 * message per read; the bytes come back transferred, not copied.
 */
import type { BlobReadReply, BlobReadRequest } from './blob-read-protocol';

export interface BlobReader {
  read(file: Blob, offset: number, length: number): Promise<Uint8Array>;
  /** The worker lets go of these files (the transfer that read them is over). */
  forget(files: readonly Blob[]): void;
}

/** Where no worker can be started (tests outside a browser): the same reads on this thread. */
const readHere: BlobReader = {
  read: async (file, offset, length) =>
    new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
  forget: () => undefined,
};

export function createBlobReader(makeWorker?: () => Worker): BlobReader {
  if (!makeWorker && typeof Worker === 'undefined') return readHere;
  const make =
    makeWorker ??
    (() =>
      new Worker(new URL('./blob-read-worker.ts', import.meta.url), { type: 'module', name: 'ferry-read' }));
  let worker: Worker | null = null;
  let nextId = 1;
  let nextKey = 1;
  const keys = new WeakMap<Blob, number>();
  const pending = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>();

  const started = (): Worker => {
    if (worker) return worker;
    const made = make();
    made.onmessage = (event: MessageEvent<BlobReadReply>) => {
      const reply = event.data;
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (!waiter) return;
      if (reply.ok) waiter.resolve(new Uint8Array(reply.buffer));
      else waiter.reject(new Error('the file could not be read'));
    };
    made.onerror = () => {
      for (const waiter of pending.values()) waiter.reject(new Error('the reading worker failed'));
      pending.clear();
    };
    worker = made;
    return made;
  };

  return {
    read: (file, offset, length) => {
      const id = nextId++;
      let key = keys.get(file);
      const first = key === undefined;
      if (key === undefined) {
        key = nextKey++;
        keys.set(file, key);
      }
      const request: BlobReadRequest = first
        ? { op: 'read', id, key, file, offset, length }
        : { op: 'read', id, key, offset, length };
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        started().postMessage(request);
      });
    },
    forget: (files) => {
      const forgotten: number[] = [];
      for (const file of files) {
        const key = keys.get(file);
        if (key === undefined) continue;
        keys.delete(file);
        forgotten.push(key);
      }
      if (forgotten.length > 0 && worker) worker.postMessage({ op: 'forget', keys: forgotten });
    },
  };
}
