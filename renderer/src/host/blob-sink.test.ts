import { describe, expect, it } from 'vitest';
import { FILE_DIGEST_BLOCK_BYTES, TRANSFER_CHUNK_BYTES } from '../../../contracts/transfer';
import { FileDigest } from '../engine/transfer/file-digest';
import { createBlobSink } from './blob-sink';

function pattern(length: number, seed = 7): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = ((i + seed) * 2654435761) >>> 24;
  return bytes;
}

async function digestOf(bytes: Uint8Array): Promise<string> {
  const digest = new FileDigest();
  await digest.update(bytes);
  return digest.digestHex();
}

/** Same bytes (a plain toEqual walks megabytes element by element). */
function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.from(actual).equals(Buffer.from(expected));
}

/** Bytes as the download would give them: read back from the object URL. */
async function downloaded(savedFiles: ReturnType<typeof createBlobSink>['savedFiles'], location: string) {
  const url = await savedFiles.downloadUrl?.(location);
  if (!url) throw new Error('no download URL');
  try {
    return new Uint8Array(await (await fetch(url)).arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}

const transfer = { senderId: 'ada', transferId: 'transfer-1' };
/** Small parts, so a test of a few MiB crosses many part boundaries. */
const PART = 3 * FILE_DIGEST_BLOCK_BYTES + 1_000;

describe('blob receive sink (a browser page without a private file system)', () => {
  it('gathers frames into Blob parts and offers the verified file as a download, byte for byte', async () => {
    const { sink, savedFiles } = createBlobSink({ partBytes: PART });
    const size = 5 * PART + 12_345;
    const bytes = pattern(size);
    const opened = await sink.begin({ ...transfer, index: 0, path: 'Photos/../trip.jpg', size });
    expect(opened).toMatchObject({ offset: 0, name: 'Photos/trip.jpg' });
    // Writes overlap as the engine issues them (several in flight), frame by frame.
    const writes: Promise<void>[] = [];
    for (let offset = 0; offset < size; offset += TRANSFER_CHUNK_BYTES) {
      writes.push(sink.write(opened.fileId, offset, bytes.slice(offset, offset + TRANSFER_CHUNK_BYTES)));
    }
    await Promise.all(writes);
    const saved = await sink.finish(opened.fileId, await digestOf(bytes));
    expect(saved).toEqual({ name: 'Photos/trip.jpg', location: 'Photos/trip.jpg' });
    expect(sameBytes(await downloaded(savedFiles, saved.location), bytes)).toBe(true);
  });

  it('refuses a file whose digest differs, and keeps nothing of it', async () => {
    const { sink, savedFiles } = createBlobSink({ partBytes: PART });
    const bytes = pattern(100_000);
    const opened = await sink.begin({ ...transfer, index: 0, path: 'a.bin', size: bytes.byteLength });
    await sink.write(opened.fileId, 0, bytes);
    await expect(sink.finish(opened.fileId, await digestOf(pattern(100_000, 8)))).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
    await expect(savedFiles.downloadUrl?.('a.bin')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await sink.status(transfer)).toEqual({ completedBelow: 0, offsets: [] });
  });

  it('resumes within the page after a dropped connection, from the bytes it holds', async () => {
    const { sink, savedFiles } = createBlobSink({ partBytes: PART });
    const first = pattern(50_000, 1);
    const second = pattern(2 * PART + 5, 2);
    const a = await sink.begin({ ...transfer, index: 0, path: 'a', size: first.byteLength });
    await sink.write(a.fileId, 0, first);
    await sink.finish(a.fileId, await digestOf(first));
    const b = await sink.begin({ ...transfer, index: 1, path: 'b', size: second.byteLength });
    await sink.write(b.fileId, 0, second.subarray(0, PART + 17));
    // The connection drops: the engine closes the file and keeps what arrived.
    await sink.abort(b.fileId, true);
    expect(await sink.status(transfer)).toEqual({
      completedBelow: 1,
      offsets: [{ index: 1, offset: PART + 17 }],
    });

    const again = await sink.begin({ ...transfer, index: 1, path: 'b', size: second.byteLength });
    expect(again.offset).toBe(PART + 17);
    await expect(sink.write(again.fileId, 0, second)).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await sink.write(again.fileId, PART + 17, second.subarray(PART + 17));
    await sink.finish(again.fileId, await digestOf(second));
    expect(sameBytes(await downloaded(savedFiles, 'b'), second)).toBe(true);
    expect(await sink.status(transfer)).toEqual({ completedBelow: 2, offsets: [] });
  });

  it('gives each file a name no other file in the page has', async () => {
    const { sink } = createBlobSink();
    const one = await sink.begin({ ...transfer, index: 0, path: 'notes.txt', size: 1 });
    const two = await sink.begin({
      senderId: 'bob',
      transferId: 'transfer-2',
      index: 0,
      path: 'notes.txt',
      size: 1,
    });
    expect([one.name, two.name]).toEqual(['notes.txt', 'notes (1).txt']);
  });

  it('states its limit and refuses a file above it', async () => {
    const { sink } = createBlobSink({ limitBytes: 1_000 });
    expect(sink.limitBytes).toBe(1_000);
    await expect(sink.begin({ ...transfer, index: 0, path: 'big', size: 1_001 })).rejects.toMatchObject({
      code: 'DISK_FULL',
    });
  });

  it('lets go of unfinished files when a transfer is forgotten, and keeps finished ones downloadable', async () => {
    const { sink, savedFiles } = createBlobSink({ partBytes: PART });
    const done = pattern(10);
    const a = await sink.begin({ ...transfer, index: 0, path: 'a', size: 10 });
    await sink.write(a.fileId, 0, done);
    await sink.finish(a.fileId, await digestOf(done));
    const b = await sink.begin({ ...transfer, index: 1, path: 'b', size: 10 });
    await sink.write(b.fileId, 0, pattern(4));
    await sink.forget(transfer, true);
    expect(await sink.status(transfer)).toEqual({ completedBelow: 0, offsets: [] });
    await expect(sink.write(b.fileId, 4, pattern(6))).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(sameBytes(await downloaded(savedFiles, 'a'), done)).toBe(true);
  });
});
