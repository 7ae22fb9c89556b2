/**
 * Dedicated worker behind the browser's receive folder: OPFS synchronous access handles exist only
 * in workers, and hashing here keeps the page's thread free for the UI and the data channels.
 * Requests are handled one at a time, in order, so writes to a file never interleave.
 */
import { OpfsReceiveStore, StoreError } from './opfs-receive-store';
import type { OpfsReply, OpfsRequest } from './opfs-protocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<OpfsRequest>) => void) | null;
  postMessage(message: OpfsReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const store = new OpfsReceiveStore(() => navigator.storage.getDirectory());
let queue: Promise<void> = Promise.resolve();

async function handle(request: OpfsRequest): Promise<unknown> {
  switch (request.op) {
    case 'status':
      return store.status(request.key);
    case 'begin':
      return store.begin(request.request);
    case 'write':
      await store.write(request.fileId, request.offset, request.bytes);
      return null;
    case 'finish':
      return store.finish(request.fileId, request.digest);
    case 'abort':
      return store.abort(request.fileId, request.keepPartial);
    case 'forget':
      return store.forget(request.key, request.discardPartials);
    case 'file':
      return store.file(request.location);
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  queue = queue.then(async () => {
    try {
      const value = await store.run(() => handle(request));
      // A write's buffer goes back to the page, which fills it again (the store is done with it:
      // written, and hashed or copied into the digest's block).
      const buffer = request.op === 'write' ? request.bytes.buffer : undefined;
      if (buffer instanceof ArrayBuffer)
        scope.postMessage({ id: request.id, ok: true, value, buffer }, [buffer]);
      else scope.postMessage({ id: request.id, ok: true, value });
    } catch (error) {
      scope.postMessage({
        id: request.id,
        ok: false,
        code: error instanceof StoreError ? error.code : 'INTERNAL',
      });
    }
  });
};
