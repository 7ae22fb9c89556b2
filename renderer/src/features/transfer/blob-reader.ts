/**
 * Reads slices of the files a person picked or dropped, for sending, in a dedicated worker, and
 * hashes them there.
 *
 * In Chromium `Blob.slice()` and `arrayBuffer()` cost the calling thread milliseconds per call,
 * and `crypto.subtle.digest` copies what it hashes on the calling thread (sampled on the sender
 * during bench:transfer's chat run: these three were most of the page's long tasks, and a chat
 * message waited behind them). In a worker they cost the page one message per read; the bytes
 * come back transferred, not copied.
 */
import { hashWhileReading } from '../../engine/transfer/file-digest';
import type { HashingReader } from '../../engine/transfer/transfer-types';
import { workerCalls } from '../../host/worker-calls';
import type { BlobReadCall, BlobReadReply, BlobReadRequest } from './blob-read-protocol';

export interface BlobReader {
  read(file: Blob, offset: number, length: number): Promise<Uint8Array>;
  /** Reads `file` in order from its start and hashes it where it reads it. */
  openHashing(file: Blob): HashingReader;
  /** The worker lets go of these files (the transfer that read them is over). */
  forget(files: readonly Blob[]): void;
}

/** Where no worker can be started (tests outside a browser): the same work on this thread. */
const here: BlobReader = {
  read: async (file, offset, length) =>
    new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
  openHashing: (file) => hashWhileReading((offset, length) => here.read(file, offset, length)),
  forget: () => undefined,
};

export function createBlobReader(makeWorker?: () => Worker): BlobReader {
  if (!makeWorker && typeof Worker === 'undefined') return here;
  const make =
    makeWorker ??
    (() =>
      new Worker(new URL('./blob-read-worker.ts', import.meta.url), { type: 'module', name: 'ferry-read' }));
  const worker = workerCalls<BlobReadCall, BlobReadReply>(make, {
    failed: () => new Error('the reading worker failed'),
  });
  let nextKey = 1;
  let nextStream = 1;
  const keys = new WeakMap<Blob, number>();

  const ask = async (body: BlobReadCall): Promise<BlobReadReply> => {
    const reply = await worker.call(body);
    if (!reply.ok) throw new Error('the file could not be read');
    return reply;
  };

  const read = async (file: Blob, offset: number, length: number, stream?: number): Promise<Uint8Array> => {
    let key = keys.get(file);
    const first = key === undefined;
    if (key === undefined) {
      key = nextKey++;
      keys.set(file, key);
    }
    const reply = await ask({
      op: 'read',
      key,
      ...(first ? { file } : {}),
      offset,
      length,
      ...(stream !== undefined ? { stream } : {}),
    });
    if (!('buffer' in reply)) throw new Error('the file could not be read');
    return new Uint8Array(reply.buffer);
  };

  return {
    read: (file, offset, length) => read(file, offset, length),
    openHashing: (file) => {
      const stream = nextStream++;
      let open = true;
      return {
        read: (offset, length) => read(file, offset, length, stream),
        digestHex: async () => {
          open = false;
          const reply = await ask({ op: 'digest', stream });
          if (!('digest' in reply)) throw new Error('the file could not be hashed');
          return reply.digest;
        },
        close: () => {
          if (!open) return;
          open = false;
          worker.post({ op: 'close-stream', stream } satisfies BlobReadRequest);
        },
      };
    },
    forget: (files) => {
      const forgotten: number[] = [];
      for (const file of files) {
        const key = keys.get(file);
        if (key === undefined) continue;
        keys.delete(file);
        forgotten.push(key);
      }
      if (forgotten.length > 0 && worker.started)
        worker.post({ op: 'forget', keys: forgotten } satisfies BlobReadRequest);
    },
  };
}
