/**
 * Dedicated worker behind the browser's receive folder: OPFS synchronous access handles exist only
 * in workers, and hashing here keeps the page's thread free for the UI and the data channels.
 * Requests are handled one at a time, in order, so writes to a file never interleave.
 *
 * It also receives the bulk frames itself where the page hands it a link's incoming channel
 * (frame-receiver.ts): it holds each frame's bytes, tells the page the frame's header, and writes
 * the bytes when the page asks (`write-held`), so file bytes never pass through the page.
 */
import { listenForFrames } from '../../engine/transfer/frame-receiver';
import { OpfsReceiveStore, StoreError } from './opfs-receive-store';
import type { OpfsCommand, OpfsRequest, OpfsWorkerMessage } from './opfs-protocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<OpfsRequest | OpfsCommand>) => void) | null;
  postMessage(message: OpfsWorkerMessage, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const store = new OpfsReceiveStore(() => navigator.storage.getDirectory());
let queue: Promise<void> = Promise.resolve();

/** Payloads of received frames, until the page releases them. */
const held = new Map<number, Uint8Array>();
let nextHeld = 1;
/** The incoming channels of each of the page's bulk links. */
const links = new Map<number, RTCDataChannel[]>();

function adopt(link: number, channel: RTCDataChannel): void {
  const channels = links.get(link) ?? [];
  channels.push(channel);
  links.set(link, channels);
  listenForFrames(channel, ({ payload, ...frame }) => {
    const id = nextHeld++;
    held.set(id, payload);
    scope.postMessage({ op: 'frame', link, frame, held: id, byteLength: payload.byteLength });
  });
}

function command(message: OpfsCommand): void {
  switch (message.op) {
    case 'adopt':
      adopt(message.link, message.channel);
      return;
    case 'release':
      // A frame the page did not write.
      held.delete(message.held);
      return;
    case 'close-link':
      for (const channel of links.get(message.link) ?? []) channel.close();
      links.delete(message.link);
      return;
  }
}

async function handle(request: OpfsRequest, heldBytes: Uint8Array | undefined): Promise<unknown> {
  switch (request.op) {
    case 'status':
      return store.status(request.key);
    case 'begin':
      return store.begin(request.request);
    case 'write':
      await store.write(request.fileId, request.offset, request.bytes);
      return null;
    case 'write-held':
      // Released before it was written (a bug on the page): nothing sensible to write.
      if (!heldBytes) throw new StoreError('INTERNAL');
      await store.write(request.fileId, request.offset, heldBytes);
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

/**
 * The bytes a `write-held` names, taken as it arrives: a frame is written once, so it is let go of
 * here (the page sends no release for it).
 */
function takeHeldBytes(request: OpfsRequest): Uint8Array | undefined {
  if (request.op !== 'write-held') return undefined;
  const { held: id, start, byteLength } = request.bytes;
  const payload = held.get(id);
  held.delete(id);
  return payload?.subarray(start, start + byteLength);
}

scope.onmessage = (event) => {
  const message = event.data;
  if (!('id' in message)) {
    command(message);
    return;
  }
  const request = message;
  const heldBytes = takeHeldBytes(request);
  queue = queue.then(async () => {
    try {
      const value = await store.run(() => handle(request, heldBytes));
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
