import { describe, expect, it } from 'vitest';
import type { BlobReadReply, BlobReadRequest } from './blob-read-protocol';
import { createBlobReader } from './blob-reader';

/** Stands in for the reading worker: reads as it would, when the test says. */
class FakeReadWorker {
  onmessage: ((event: MessageEvent<BlobReadReply>) => void) | null = null;
  onerror: (() => void) | null = null;
  readonly requests: BlobReadRequest[] = [];
  private readonly files = new Map<number, Blob>();

  postMessage(request: BlobReadRequest): void {
    this.requests.push(request);
    if (request.op === 'read' && request.file) this.files.set(request.key, request.file);
    if (request.op === 'forget') for (const key of request.keys) this.files.delete(key);
  }

  async answer(request: BlobReadRequest): Promise<void> {
    if (request.op === 'digest') {
      this.onmessage?.({
        data: { id: request.id, ok: true, digest: `digest of stream ${request.stream}` },
      } as MessageEvent<BlobReadReply>);
      return;
    }
    if (request.op !== 'read') return;
    const file = this.files.get(request.key);
    const reply: BlobReadReply = file
      ? {
          id: request.id,
          ok: true,
          buffer: await file.slice(request.offset, request.offset + request.length).arrayBuffer(),
        }
      : { id: request.id, ok: false };
    this.onmessage?.({ data: reply } as MessageEvent<BlobReadReply>);
  }
}

describe('the blob reader', () => {
  it('hands each file to the worker once, reads slices there, and lets go of the files when told', async () => {
    const worker = new FakeReadWorker();
    const reader = createBlobReader(() => worker as unknown as Worker);
    const file = new Blob([Uint8Array.from({ length: 100 }, (_, i) => i)]);
    const first = reader.read(file, 10, 5);
    const second = reader.read(file, 95, 10);
    expect(worker.requests).toEqual([
      { op: 'read', id: 1, key: 1, file, offset: 10, length: 5 },
      { op: 'read', id: 2, key: 1, offset: 95, length: 10 },
    ]);
    for (const request of worker.requests) await worker.answer(request);
    expect([...(await first)]).toEqual([10, 11, 12, 13, 14]);
    expect([...(await second)]).toEqual([95, 96, 97, 98, 99]);

    reader.forget([file]);
    expect(worker.requests[2]).toEqual({ op: 'forget', keys: [1] });
    // Read again after that (a resumed transfer opens it anew): the file goes with the request.
    const again = reader.read(file, 0, 2);
    expect(worker.requests[3]).toMatchObject({ op: 'read', key: 2, file });
    await worker.answer(worker.requests[3] as BlobReadRequest);
    expect([...(await again)]).toEqual([0, 1]);
  });

  it('reads a file to hash in a stream of its own, asks the worker for its digest, and closes a stream left unfinished', async () => {
    const worker = new FakeReadWorker();
    const reader = createBlobReader(() => worker as unknown as Worker);
    const file = new Blob([Uint8Array.from({ length: 10 }, (_, i) => i)]);
    const finished = reader.openHashing(file);
    const bytes = finished.read(0, 4);
    const digest = finished.digestHex();
    expect(worker.requests).toEqual([
      { op: 'read', id: 1, key: 1, file, offset: 0, length: 4, stream: 1 },
      { op: 'digest', id: 2, stream: 1 },
    ]);
    for (const request of worker.requests) await worker.answer(request);
    expect([...(await bytes)]).toEqual([0, 1, 2, 3]);
    expect(await digest).toBe('digest of stream 1');
    // Done: closing it again tells the worker nothing.
    finished.close();
    const stopped = reader.openHashing(file);
    void stopped.read(0, 2);
    stopped.close();
    stopped.close();
    expect(worker.requests.slice(2)).toEqual([
      { op: 'read', id: 3, key: 1, offset: 0, length: 2, stream: 2 },
      { op: 'close-stream', stream: 2 },
    ]);
  });

  it('rejects a read the worker could not do, and every read in flight when the worker fails', async () => {
    const worker = new FakeReadWorker();
    const reader = createBlobReader(() => worker as unknown as Worker);
    const file = new Blob(['abc']);
    const unreadable = reader.read(file, 0, 3);
    worker.onmessage?.({ data: { id: 1, ok: false } } as MessageEvent<BlobReadReply>);
    await expect(unreadable).rejects.toThrow('could not be read');
    const lost = reader.read(file, 0, 3);
    worker.onerror?.();
    await expect(lost).rejects.toThrow('worker failed');
  });

  it('reads on this thread where no worker can be started', async () => {
    const reader = createBlobReader();
    expect([...(await reader.read(new Blob([Uint8Array.from([1, 2, 3])]), 1, 2))]).toEqual([2, 3]);
  });
});
