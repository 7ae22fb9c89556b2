import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  fitsOneZip,
  writeZip,
  zipSize,
  ZIP_LIMITS,
  ZipTooLargeError,
  type ZipEntrySource,
} from './zip-stream';

const sha256 = async (bytes: Uint8Array) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)).toString('hex');

function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

/** A Blob whose stream hands out `chunk` bytes at a time and counts how many reads are open. */
function chunkedBlob(bytes: Uint8Array, chunk: number): Blob & { readonly maxChunk: () => number } {
  let largest = 0;
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  return Object.assign(blob, {
    stream: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < bytes.byteLength; at += chunk) {
            const part = bytes.slice(at, at + chunk);
            largest = Math.max(largest, part.byteLength);
            controller.enqueue(part);
          }
          controller.close();
        },
      }),
    maxChunk: () => largest,
  });
}

describe('a zip written while reading', () => {
  it('holds every file with its path and identical bytes, and is exactly the size foretold', async () => {
    const files = {
      'Album/a.txt': new TextEncoder().encode('hello'),
      'Album/sub/b.bin': pattern(200_003, 7),
      'Album/空.bin': new Uint8Array(0),
      'Album/sub/deeper/照片.jpg': pattern(70_000, 9),
    };
    const entries: ZipEntrySource[] = Object.entries(files).map(([path, bytes]) => ({
      path,
      file: chunkedBlob(bytes, 65_536),
    }));
    const chunks: Uint8Array[] = [];
    const length = await writeZip(entries, (chunk) => chunks.push(chunk.slice()));

    const zip = new Uint8Array(length);
    let at = 0;
    for (const chunk of chunks) {
      zip.set(chunk, at);
      at += chunk.byteLength;
    }
    expect(at).toBe(length);
    expect(length).toBe(zipSize(entries));
    const unpacked = unzipSync(zip);
    expect(Object.keys(unpacked).sort()).toEqual(Object.keys(files).sort());
    for (const [path, bytes] of Object.entries(files))
      expect(await sha256(unpacked[path]!), path).toBe(await sha256(bytes));
    // Written as read: no chunk handed on is larger than what the file's stream gave.
    expect(Math.max(...chunks.map((chunk) => chunk.byteLength))).toBeLessThanOrEqual(65_536 + 200);
  });

  it('refuses what a zip without Zip64 cannot hold, before writing anything', async () => {
    const huge = { size: ZIP_LIMITS.maxBytes } as Blob;
    const entries = [{ path: 'Film/film.mkv', file: huge }];
    expect(fitsOneZip(entries)).toBe(false);
    const written: Uint8Array[] = [];
    await expect(writeZip(entries, (chunk) => written.push(chunk))).rejects.toBeInstanceOf(ZipTooLargeError);
    expect(written).toEqual([]);
    const many = Array.from({ length: ZIP_LIMITS.maxEntries + 1 }, (_, i) => ({
      path: `F/${i}`,
      file: new Blob([]),
    }));
    expect(fitsOneZip(many)).toBe(false);
  });

  it('stops with the error when the place it writes to fails', async () => {
    const entries = [{ path: 'A/a.bin', file: chunkedBlob(pattern(300_000, 1), 65_536) }];
    const full = new Error('disk full');
    await expect(
      writeZip(entries, () => {
        throw full;
      }),
    ).rejects.toBe(full);
  });
});
