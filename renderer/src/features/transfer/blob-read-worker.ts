/**
 * Dedicated worker that reads slices of the files a person picked, and hashes them where asked
 * (see blob-reader.ts). Each file arrives once, with the key the page gave it; later requests name
 * the key.
 */
import { FileDigest } from '../../engine/transfer/file-digest';
import type { BlobReadReply, BlobReadRequest } from './blob-read-protocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<BlobReadRequest>) => void) | null;
  postMessage(message: BlobReadReply, transfer?: Transferable[]): void;
}

interface Stream {
  readonly digest: FileDigest;
  /** Its reads, hashed and answered one after another in the order they were asked for. */
  queue: Promise<void>;
  /** A read of it failed: its digest can no longer be right. */
  failed: boolean;
}

const scope = self as unknown as WorkerScope;
const files = new Map<number, Blob>();
const streams = new Map<number, Stream>();

function streamOf(id: number): Stream {
  let stream = streams.get(id);
  if (!stream) {
    stream = { digest: new FileDigest(), queue: Promise.resolve(), failed: false };
    streams.set(id, stream);
  }
  return stream;
}

function read(request: Extract<BlobReadRequest, { op: 'read' }>): void {
  if (request.file) files.set(request.key, request.file);
  const file = files.get(request.key);
  const reading = file
    ? file.slice(request.offset, request.offset + request.length).arrayBuffer()
    : Promise.reject(new Error('unknown file'));
  const answer = (buffer: ArrayBuffer) => scope.postMessage({ id: request.id, ok: true, buffer }, [buffer]);
  const refuse = () => scope.postMessage({ id: request.id, ok: false });
  if (request.stream === undefined) {
    reading.then(answer, refuse);
    return;
  }
  const stream = streamOf(request.stream);
  stream.queue = stream.queue.then(async () => {
    try {
      if (stream.failed) throw new Error('an earlier read failed');
      const buffer = await reading;
      // Hashed before the buffer goes back to the page (which takes it over).
      await stream.digest.update(new Uint8Array(buffer));
      answer(buffer);
    } catch {
      stream.failed = true;
      refuse();
    }
  });
}

scope.onmessage = (event) => {
  const request = event.data;
  switch (request.op) {
    case 'read':
      read(request);
      return;
    case 'digest': {
      const stream = streamOf(request.stream);
      streams.delete(request.stream);
      void stream.queue.then(async () => {
        if (stream.failed) scope.postMessage({ id: request.id, ok: false });
        else scope.postMessage({ id: request.id, ok: true, digest: await stream.digest.digestHex() });
      });
      return;
    }
    case 'close-stream':
      streams.delete(request.stream);
      return;
    case 'forget':
      for (const key of request.keys) files.delete(key);
      return;
  }
};
