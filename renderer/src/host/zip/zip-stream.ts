/**
 * A zip written as it is read: each file's bytes go from its Blob's stream through fflate's zip
 * writer straight to `write`, a chunk at a time, so neither the files nor the zip are ever held
 * whole. Entries are stored, not deflated: what people send in bulk (photos, video, archives) is
 * compressed already, and storing keeps "Save all" as fast as the disk.
 *
 * fflate writes no Zip64 records, so a zip stays below 4 GiB and 65 535 entries; larger folders
 * are refused before anything is written (`ZIP_LIMITS`), and each file can still be downloaded.
 */
import { Zip, ZipPassThrough } from 'fflate';

export interface ZipEntrySource {
  /** '/'-separated path inside the zip. */
  readonly path: string;
  readonly file: Blob;
}

/** Per entry: a local header (30 B + name), a data descriptor (16 B), a central record (46 B + name). */
const ENTRY_OVERHEAD_BYTES = 30 + 16 + 46;
const END_RECORD_BYTES = 22;

export const ZIP_LIMITS = {
  /** Offsets and sizes in a zip without Zip64 are 32-bit. */
  maxBytes: 0xffff_ffff,
  maxEntries: 0xffff,
} as const;

export class ZipTooLargeError extends Error {
  readonly code = 'ZIP_TOO_LARGE';
  constructor() {
    super('too large for one zip');
    this.name = 'ZipTooLargeError';
  }
}

/** The zip's size, exactly, before any of it is written. */
export function zipSize(entries: readonly ZipEntrySource[]): number {
  let total = END_RECORD_BYTES;
  for (const entry of entries) {
    total += ENTRY_OVERHEAD_BYTES + 2 * new TextEncoder().encode(entry.path).byteLength + entry.file.size;
  }
  return total;
}

export function fitsOneZip(entries: readonly ZipEntrySource[]): boolean {
  return entries.length <= ZIP_LIMITS.maxEntries && zipSize(entries) <= ZIP_LIMITS.maxBytes;
}

/**
 * Writes a zip of `entries` through `write` (synchronous: an OPFS access handle, or a list of
 * Blob parts), reading one file at a time. Resolves with the zip's length in bytes.
 */
export async function writeZip(
  entries: readonly ZipEntrySource[],
  write: (chunk: Uint8Array) => void,
): Promise<number> {
  if (!fitsOneZip(entries)) throw new ZipTooLargeError();
  let written = 0;
  let failure: unknown = null;
  let finished = false;
  const zip = new Zip((error, chunk, final) => {
    if (error) failure ??= error;
    if (failure !== null) return;
    try {
      write(chunk);
      written += chunk.byteLength;
    } catch (writeError) {
      failure = writeError;
    }
    if (final) finished = true;
  });
  for (const entry of entries) {
    const stored = new ZipPassThrough(entry.path);
    zip.add(stored);
    const reader = entry.file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (failure !== null) {
        await reader.cancel();
        throw failure;
      }
      if (done) break;
      stored.push(value);
    }
    stored.push(new Uint8Array(0), true);
  }
  zip.end();
  if (failure !== null) throw failure;
  if (!finished) throw new Error('zip did not finish');
  return written;
}
