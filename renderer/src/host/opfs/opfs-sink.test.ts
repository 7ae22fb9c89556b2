import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TRANSFER_CHUNK_BYTES } from '../../../../contracts/transfer';
import { DIGEST_ALIGNED_CHUNK_BYTES } from '../../engine/transfer/file-digest';
import { encodeTransferFrame } from '../../../../contracts/transfer';
import type { ReceivedFrame } from '../../engine/transfer/frame-receiver';
import { FakeBulkChannel } from '../../engine/transfer/testing/transfer-harness';
import type { OpfsCommand, OpfsReply, OpfsRequest, OpfsWorkerMessage } from './opfs-protocol';
import { createOpfsSink } from './opfs-sink';

/** The sink's batch: 1 MiB, whole digest blocks. */
const MiB = DIGEST_ALIGNED_CHUNK_BYTES;

/** A stand-in for the OPFS worker: records requests; the test answers them. */
class FakeWorker {
  onmessage: ((event: MessageEvent<OpfsWorkerMessage>) => void) | null = null;
  onerror: (() => void) | null = null;
  readonly requests: { request: OpfsRequest; transfer: Transferable[] }[] = [];
  /** Messages without an answer (bulk links), in order. */
  readonly commands: { command: OpfsCommand; transfer: Transferable[] }[] = [];
  /** Test hook: the browser refuses to transfer a data channel. */
  refuseChannels = false;
  /** Writes as the worker would see them: file offset and a copy of the bytes. */
  readonly writes: { offset: number; bytes: Uint8Array }[] = [];

  postMessage(message: OpfsRequest | OpfsCommand, transfer: Transferable[] = []): void {
    if (!('id' in message)) {
      if (message.op === 'adopt' && this.refuseChannels) throw new DOMException('no', 'DataCloneError');
      this.commands.push({ command: message, transfer });
      return;
    }
    const request = message;
    this.requests.push({ request, transfer });
    if (request.op === 'write') this.writes.push({ offset: request.offset, bytes: request.bytes.slice() });
  }

  /** Answers every request not answered yet (writes get their buffer back, as the worker does). */
  answerAll(fail?: (request: OpfsRequest) => string | undefined): void {
    for (const { request } of this.requests.splice(0)) {
      const code = fail?.(request);
      const value = request.op === 'begin' ? { fileId: 'f1', offset: 0, name: 'x' } : null;
      const reply: OpfsReply = code
        ? { id: request.id, ok: false, code }
        : request.op === 'write'
          ? { id: request.id, ok: true, value, buffer: request.bytes.buffer as ArrayBuffer }
          : { id: request.id, ok: true, value };
      this.onmessage?.({ data: reply } as MessageEvent<OpfsReply>);
    }
  }
}

function pattern(offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (offset + i) % 251;
  return bytes;
}

async function setUp(size: number) {
  const worker = new FakeWorker();
  const { sink } = createOpfsSink(() => worker as unknown as Worker);
  const opened = sink.begin({ senderId: 's', transferId: 't', index: 0, path: 'x', size });
  worker.answerAll();
  await opened;
  return { worker, sink };
}

const settled = async (promise: Promise<unknown>) => {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  return state;
};

afterEach(() => {
  vi.useRealTimers();
});

describe('OPFS sink write batching', () => {
  it('gathers frames into block-aligned writes and resolves each write once its bytes are written', async () => {
    const size = 3 * MiB + 1000;
    const { worker, sink } = await setUp(size);
    const writes: Promise<void>[] = [];
    for (let offset = 0; offset < size; offset += TRANSFER_CHUNK_BYTES) {
      const length = Math.min(TRANSFER_CHUNK_BYTES, size - offset);
      writes.push(sink.write('f1', offset, pattern(offset, length)));
    }
    // Every batch went out without a timer: block boundaries, and the file's end.
    expect(worker.writes.map((write) => [write.offset, write.bytes.byteLength])).toEqual([
      [0, MiB],
      [MiB, MiB],
      [2 * MiB, MiB],
      [3 * MiB, 1000],
    ]);
    for (const write of worker.writes)
      expect(write.bytes).toEqual(pattern(write.offset, write.bytes.byteLength));
    // Buffers are transferred, not copied.
    expect(
      worker.requests.every(({ request, transfer }) => request.op !== 'write' || transfer.length === 1),
    ).toBe(true);
    expect(await settled(writes[0] as Promise<void>)).toBe('pending');
    worker.answerAll();
    await Promise.all(writes);
  });

  it('sends a partial batch before any other request, and after a while without more bytes', async () => {
    vi.useFakeTimers();
    const { worker, sink } = await setUp(4 * MiB);
    const write = sink.write('f1', 0, pattern(0, 1000));
    expect(worker.writes).toHaveLength(0);
    const abort = sink.abort('f1', true);
    expect(worker.requests.map(({ request }) => request.op)).toEqual(['write', 'abort']);
    worker.answerAll();
    await write;
    await abort;

    const later = sink.write('f1', 1000, pattern(1000, 500));
    expect(worker.writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(worker.writes.map((entry) => [entry.offset, entry.bytes.byteLength])).toEqual([
      [0, 1000],
      [1000, 500],
    ]);
    worker.answerAll();
    await later;
  });

  it('fails a write with the first failure among the batches it went into', async () => {
    const { worker, sink } = await setUp(4 * MiB);
    const first = sink.write('f1', 0, pattern(0, MiB - 100));
    // Ends the first batch at the block boundary and starts the second.
    const second = sink.write('f1', MiB - 100, pattern(MiB - 100, 300));
    const third = sink.write('f1', MiB + 200, pattern(MiB + 200, MiB - 200));
    worker.answerAll((request) =>
      request.op === 'write' ? (request.offset === 0 ? 'DISK_FULL' : 'INVALID_PAYLOAD') : undefined,
    );
    await expect(first).rejects.toMatchObject({ code: 'DISK_FULL' });
    await expect(second).rejects.toMatchObject({ code: 'DISK_FULL' });
    await expect(third).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
  });

  it('does not join writes that are not contiguous', async () => {
    const { worker, sink } = await setUp(4 * MiB);
    void sink.write('f1', 0, pattern(0, 100));
    void sink.write('f1', 500, pattern(500, 100));
    expect(worker.writes.map((entry) => [entry.offset, entry.bytes.byteLength])).toEqual([[0, 100]]);
    void sink.finish('f1', 'digest');
    expect(worker.requests.map(({ request }) => request.op)).toEqual(['write', 'write', 'finish']);
  });
});

/** Stands in for the browser's RTCDataChannel, which Node lacks: only its identity matters here. */
class TransferableChannel extends FakeBulkChannel {}

describe('OPFS sink: frames received in the worker', () => {
  const realChannel = (globalThis as { RTCDataChannel?: unknown }).RTCDataChannel;
  beforeEach(() => {
    (globalThis as { RTCDataChannel?: unknown }).RTCDataChannel = TransferableChannel;
  });
  afterEach(() => {
    (globalThis as { RTCDataChannel?: unknown }).RTCDataChannel = realChannel;
  });

  function receiving() {
    const worker = new FakeWorker();
    const { sink } = createOpfsSink(() => worker as unknown as Worker);
    const held = sink.heldFrames;
    if (!held) throw new Error('the OPFS sink receives frames in its worker');
    const delivered: ReceivedFrame[] = [];
    const receiver = held.receive((frame) => delivered.push(frame));
    const notice = (link: number, id: number) =>
      worker.onmessage?.({
        data: {
          op: 'frame',
          link,
          frame: { slot: 1, fileIndex: 0, offset: id * 10 },
          held: id,
          byteLength: 10,
        },
      } as MessageEvent<OpfsWorkerMessage>);
    return { worker, sink, held, receiver, delivered, notice };
  }

  it('hands the channel to the worker, delivers its frames as handles, and writes them by handle in order', async () => {
    const { worker, sink, held, receiver, delivered, notice } = receiving();
    const channel = new TransferableChannel();
    receiver.adopt(channel);
    expect(worker.commands).toEqual([{ command: { op: 'adopt', link: 1, channel }, transfer: [channel] }]);
    notice(1, 5);
    expect(delivered).toEqual([
      { slot: 1, fileIndex: 0, offset: 50, payload: { held: 5, start: 0, byteLength: 10 } },
    ]);

    const opened = sink.begin({ senderId: 's', transferId: 't', index: 0, path: 'x', size: 100 });
    worker.answerAll();
    await opened;
    // Bytes gathered on the page go first, so the file is written in order.
    void sink.write('f1', 0, pattern(0, 50));
    const write = held.write('f1', 50, { held: 5, start: 0, byteLength: 10 });
    expect(worker.requests.map(({ request }) => request.op)).toEqual(['write', 'write-held']);
    expect(worker.requests[1]?.request).toMatchObject({ fileId: 'f1', offset: 50, bytes: { held: 5 } });
    worker.answerAll();
    await write;
  });

  it('tells the worker to let go of frames the engine did not write, and of nothing it wrote', () => {
    const { worker, held, receiver } = receiving();
    receiver.adopt(new TransferableChannel());
    void held.write('f1', 0, { held: 1, start: 0, byteLength: 10 });
    receiver.release({ held: 1, start: 0, byteLength: 10 });
    receiver.release({ held: 2, start: 3, byteLength: 7 });
    receiver.release(new Uint8Array(4));
    expect(worker.commands.map(({ command }) => command)).toEqual([
      expect.objectContaining({ op: 'adopt' }),
      { op: 'release', held: 2 },
    ]);
  });

  it('once a link is closed, closes its channels in the worker and lets go of frames still arriving for it', () => {
    const { worker, receiver, delivered, notice } = receiving();
    receiver.adopt(new TransferableChannel());
    receiver.close();
    notice(1, 9);
    expect(delivered).toEqual([]);
    expect(worker.commands.map(({ command }) => command).slice(1)).toEqual([
      { op: 'close-link', link: 1 },
      { op: 'release', held: 9 },
    ]);
  });

  it('receives on the page a channel the browser cannot hand to a worker', () => {
    const { worker, receiver, delivered } = receiving();
    worker.refuseChannels = true;
    const channel = new TransferableChannel();
    receiver.adopt(channel);
    const frame = encodeTransferFrame({ slot: 2, fileIndex: 0, offset: 0, payload: pattern(0, 8) });
    channel.fire('message', { data: frame.buffer } as MessageEvent);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.payload).toEqual(pattern(0, 8));
    receiver.close();
    expect(channel.readyState).toBe('closed');
    expect(worker.commands).toEqual([]);
  });
});
