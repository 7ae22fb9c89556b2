/**
 * The page's side of the browser receive folder: a ReceiveSink that forwards to the OPFS worker,
 * which is started on first use.
 *
 * Consecutive writes to a file are gathered into 1 MiB buffers aligned with the file's digest
 * blocks (DIGEST_ALIGNED_CHUNK_BYTES); each buffer is transferred to the worker, which hands it back
 * with its answer for the next batch. The worker then writes a MiB per call and hashes each block
 * where it lies instead of copying frames into the digest's block buffer, and one message per MiB
 * goes each way instead of four: the worker's CPU time per GB fell by about a quarter in the bench
 * (docs/transfer-performance.md). The page pays one 256 KiB copy per frame for it.
 *
 * A write resolves once every byte of it is on disk (as before), so the engine's credit and
 * progress still follow the disk. A batch goes to the worker when it reaches a block boundary or
 * the file's end, before any other request (order is kept), and at most BATCH_IDLE_MS after its
 * first bytes (the sender paused, or the link went down and the engine waits for its writes).
 *
 * Where the browser can hand a data channel to a worker, the bytes do not come through the page at
 * all: the sink's `heldFrames` gives the worker each bulk link's incoming channels, the page gets
 * frame headers and handles, and the worker writes the bytes it holds (frame-receiver.ts). The
 * batching above is then used only where a channel could not be handed over.
 */
import type { ReceiveOpened, ReceiveSaved, ReceiveStatus } from '../../../../contracts/file-ipc';
import { DIGEST_ALIGNED_CHUNK_BYTES } from '../../engine/transfer/file-digest';
import {
  isHeld,
  receiveFramesHere,
  type FrameReceiver,
  type HeldFrameStore,
  type ReceivedFrame,
} from '../../engine/transfer/frame-receiver';
import type { ReceiveSink } from '../../engine/transfer/transfer-types';
import { HostError, type SavedFileActions } from '../host';
import { workerCalls } from '../worker-calls';
import { zipFilesInWorker, type ZipFiles } from '../zip/zip-files';
import type { OpfsCommand, OpfsFrameNotice, OpfsReply, OpfsRequestBody } from './opfs-protocol';

/** Bytes per write sent to the worker: whole digest blocks. */
const BATCH_BYTES = DIGEST_ALIGNED_CHUNK_BYTES;
/** How long a partial batch may wait for more bytes before it is sent as it is. */
const BATCH_IDLE_MS = 100;
/** Buffers kept for reuse (about as many as are in flight at once). */
const POOL_SIZE = 4;

/** Whether this browser can keep received files in the origin private file system. */
export function opfsAvailable(): boolean {
  return (
    typeof Worker !== 'undefined' &&
    typeof navigator !== 'undefined' &&
    typeof navigator.storage?.getDirectory === 'function'
  );
}

interface Batch {
  readonly fileId: string;
  /** File offset of the batch's first byte. */
  readonly offset: number;
  /** Where the batch has to be sent: the next block boundary, or the file's end. */
  readonly end: number;
  readonly bytes: Uint8Array<ArrayBuffer>;
  filled: number;
  /** Settles when the worker has written (or failed to write) it. */
  readonly done: Promise<void>;
  readonly settle: { resolve: () => void; reject: (error: unknown) => void };
}

export function createOpfsSink(
  makeWorker: () => Worker = () =>
    new Worker(new URL('./opfs-worker.ts', import.meta.url), { type: 'module', name: 'ferry-opfs' }),
  zipFiles: ZipFiles = zipFilesInWorker('opfs'),
): { readonly sink: ReceiveSink; readonly savedFiles: SavedFileActions } {
  /** Sizes of the files open for writing, by fileId (a batch never goes past a file's end). */
  const sizes = new Map<string, number>();
  const pool: ArrayBuffer[] = [];
  let batch: Batch | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** Where the frames the worker receives for each bulk link go. */
  const links = new Map<number, (frame: ReceivedFrame) => void>();
  let nextLink = 1;
  /** Held frames asked to be written: the worker let go of them then, so no release is sent. */
  const writtenHeld = new Set<number>();

  const worker = workerCalls<OpfsRequestBody, OpfsReply>(makeWorker, {
    failed: () => new HostError('INTERNAL', 'storage worker failed'),
    onNotice: (message) => {
      const notice = message as OpfsFrameNotice;
      const deliver = links.get(notice.link);
      const payload = { held: notice.held, start: 0, byteLength: notice.byteLength };
      // A frame that was on its way when its link closed is let go at once.
      if (deliver) deliver({ ...notice.frame, payload });
      else command({ op: 'release', held: notice.held });
    },
  });

  const command = (message: OpfsCommand, transfer: Transferable[] = []) => worker.post(message, transfer);

  const call = async <T>(body: OpfsRequestBody, transfer: Transferable[] = []): Promise<T> => {
    const reply = await worker.call(body, transfer);
    if (!reply.ok) throw new HostError(reply.code);
    if (reply.buffer && pool.length < POOL_SIZE) pool.push(reply.buffer);
    return reply.value as T;
  };

  /** Sends the batch being gathered, if any. */
  const flush = () => {
    if (idleTimer !== null) {
      clearTimeout(idleTimer);
      idleTimer = null;
    }
    const sending = batch;
    batch = null;
    if (!sending) return;
    const bytes = sending.bytes.subarray(0, sending.filled);
    call<null>({ op: 'write', fileId: sending.fileId, offset: sending.offset, bytes }, [
      sending.bytes.buffer,
    ]).then(sending.settle.resolve, sending.settle.reject);
  };

  const newBatch = (fileId: string, offset: number): Batch => {
    const size = sizes.get(fileId) ?? Number.POSITIVE_INFINITY;
    const boundary = (Math.floor(offset / BATCH_BYTES) + 1) * BATCH_BYTES;
    let settle!: Batch['settle'];
    const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    done.catch(() => undefined); // surfaces through the writes that await it
    return {
      fileId,
      offset,
      // Past the end (which the engine never asks for) the worker refuses it, as before.
      end: offset < size ? Math.min(boundary, size) : boundary,
      bytes: new Uint8Array(pool.pop() ?? new ArrayBuffer(BATCH_BYTES)),
      filled: 0,
      done,
      settle,
    };
  };

  /** Sends what was gathered before another request, so the worker sees everything in order. */
  const ordered = <T>(body: OpfsRequestBody): Promise<T> => {
    flush();
    return call<T>(body);
  };

  const write = async (fileId: string, offset: number, bytes: Uint8Array): Promise<void> => {
    if (batch && (batch.fileId !== fileId || batch.offset + batch.filled !== offset)) flush();
    const touched: Promise<void>[] = [];
    for (let taken = 0; taken < bytes.byteLength;) {
      batch ??= newBatch(fileId, offset + taken);
      const room = batch.end - batch.offset - batch.filled;
      const take = Math.min(room, bytes.byteLength - taken);
      batch.bytes.set(bytes.subarray(taken, taken + take), batch.filled);
      batch.filled += take;
      taken += take;
      touched.push(batch.done);
      if (batch.offset + batch.filled >= batch.end) flush();
    }
    if (batch && idleTimer === null) idleTimer = setTimeout(flush, BATCH_IDLE_MS);
    // Each batch this write went into, oldest first: the first failure is the one reported.
    for (const done of touched) await done;
  };

  const heldFrames: HeldFrameStore = {
    receive: (deliver) => {
      const link = nextLink++;
      links.set(link, deliver);
      // Channels the browser will not hand over (it cannot transfer them) are received here.
      const here: FrameReceiver = receiveFramesHere(deliver);
      let adopted = false;
      return {
        adopt: (channel) => {
          if (typeof RTCDataChannel !== 'undefined' && channel instanceof RTCDataChannel) {
            try {
              command({ op: 'adopt', link, channel }, [channel as unknown as Transferable]);
              adopted = true;
              return;
            } catch {
              // DataCloneError: this browser cannot transfer data channels.
            }
          }
          here.adopt(channel);
        },
        release: (bytes) => {
          if (isHeld(bytes) && !writtenHeld.delete(bytes.held)) command({ op: 'release', held: bytes.held });
        },
        close: () => {
          links.delete(link);
          here.close();
          if (adopted) command({ op: 'close-link', link });
        },
      };
    },
    // The worker takes the bytes as this arrives (it lets go of them then), in order after what
    // was gathered before.
    write: (fileId, offset, bytes) => {
      writtenHeld.add(bytes.held);
      return ordered<null>({ op: 'write-held', fileId, offset, bytes }).then(() => undefined);
    },
  };

  const sink: ReceiveSink = {
    heldFrames,
    status: (key) => ordered<ReceiveStatus>({ op: 'status', key }),
    begin: async (request) => {
      const opened = await ordered<ReceiveOpened>({ op: 'begin', request });
      sizes.set(opened.fileId, request.size);
      return opened;
    },
    write,
    finish: async (fileId, digest) => {
      try {
        return await ordered<ReceiveSaved>({ op: 'finish', fileId, digest });
      } finally {
        sizes.delete(fileId);
      }
    },
    abort: async (fileId, keepPartial) => {
      try {
        await ordered<null>({ op: 'abort', fileId, keepPartial });
      } finally {
        sizes.delete(fileId);
      }
    },
    forget: async (key, discardPartials) => {
      await ordered<null>({ op: 'forget', key, discardPartials });
    },
  };

  const savedFile = (location: string) => ordered<File>({ op: 'file', location });
  const savedFiles: SavedFileActions = {
    downloadUrl: async (location) => URL.createObjectURL(await savedFile(location)),
    file: savedFile,
    // The Files are handles on disk: the zip worker reads them from there as it writes the zip.
    zipUrl: async (zipName, files) => {
      const entries = await Promise.all(
        files.map(async ({ path, location }) => ({ path, file: await savedFile(location) })),
      );
      return URL.createObjectURL(await zipFiles(zipName, entries));
    },
  };

  return { sink, savedFiles };
}
