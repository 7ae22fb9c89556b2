/**
 * Dedicated worker that reads slices of the files a person picked (see blob-reader.ts). Each file
 * arrives once, with the key the page gave it; later requests name the key.
 */
import type { BlobReadReply, BlobReadRequest } from './blob-read-protocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<BlobReadRequest>) => void) | null;
  postMessage(message: BlobReadReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const files = new Map<number, Blob>();

scope.onmessage = (event) => {
  const request = event.data;
  if (request.op === 'forget') {
    for (const key of request.keys) files.delete(key);
    return;
  }
  if (request.file) files.set(request.key, request.file);
  const file = files.get(request.key);
  if (!file) {
    scope.postMessage({ id: request.id, ok: false });
    return;
  }
  file
    .slice(request.offset, request.offset + request.length)
    .arrayBuffer()
    .then(
      (buffer) => scope.postMessage({ id: request.id, ok: true, buffer }, [buffer]),
      () => scope.postMessage({ id: request.id, ok: false }),
    );
};
