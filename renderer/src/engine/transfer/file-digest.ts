/**
 * The file digest of contracts/transfer.ts (FILE_DIGEST_BLOCK_BYTES), computed while a file is read
 * or written: each 256 KiB block is hashed with WebCrypto's native SHA-256, and the block digests are
 * hashed in turn (32 bytes per MiB, cheap even in JavaScript). Works in pages and workers.
 *
 * Where WebCrypto is missing (a page served over plain http from a LAN address is not a secure
 * context), blocks fall back to the JavaScript SHA-256: the same digest, only slower.
 */
import { FILE_DIGEST_BLOCK_BYTES } from '../../../../contracts/transfer';
import { Sha256 } from './sha256';
import type { HashingReader } from './transfer-types';

/**
 * The unit in which the sender reads and the browser client writes: 1 MiB, a whole number of digest
 * blocks, so that every read or write is hashed where it lies, without a copy into the block buffer.
 */
export const DIGEST_ALIGNED_CHUNK_BYTES = 4 * FILE_DIGEST_BLOCK_BYTES;

export type BlockHasher = (block: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;

const subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle;

export const nativeBlockHasher: BlockHasher | null = subtle
  ? async (block) => new Uint8Array(await subtle.digest('SHA-256', block))
  : null;

export const scriptBlockHasher: BlockHasher = async (block) => {
  const hex = new Sha256().update(block).digestHex();
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
};

export class FileDigest {
  private readonly block = new Uint8Array(FILE_DIGEST_BLOCK_BYTES);
  private filled = 0;
  private readonly outer = new Sha256();
  private bytes = 0;

  constructor(private readonly hashBlock: BlockHasher = nativeBlockHasher ?? scriptBlockHasher) {}

  /** Bytes taken so far. */
  get length(): number {
    return this.bytes;
  }

  /**
   * Takes the next bytes of the file; resolves once any completed block is hashed. One call at a
   * time. The bytes are read before the first block is handed to WebCrypto (which copies them),
   * so the caller may reuse them as soon as the call returns its promise.
   */
  async update(bytes: Uint8Array): Promise<void> {
    this.bytes += bytes.byteLength;
    let offset = 0;
    // Whole blocks at a block boundary are hashed where they are: readers that read block by block
    // (the sender does) save a copy of every byte.
    if (this.filled === 0 && bytes.buffer instanceof ArrayBuffer) {
      const pending: Promise<Uint8Array>[] = [];
      while (bytes.byteLength - offset >= FILE_DIGEST_BLOCK_BYTES) {
        const block = bytes.subarray(offset, offset + FILE_DIGEST_BLOCK_BYTES) as Uint8Array<ArrayBuffer>;
        pending.push(this.hashBlock(block));
        offset += FILE_DIGEST_BLOCK_BYTES;
      }
      // The rest goes into the block buffer before anything is awaited.
      this.block.set(bytes.subarray(offset), 0);
      this.filled = bytes.byteLength - offset;
      for (const digest of pending) this.outer.update(await digest);
      return;
    }
    while (offset < bytes.byteLength) {
      const take = Math.min(FILE_DIGEST_BLOCK_BYTES - this.filled, bytes.byteLength - offset);
      this.block.set(bytes.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === FILE_DIGEST_BLOCK_BYTES) await this.flushBlock();
    }
  }

  /** The digest as lowercase hex; the digest cannot be updated afterwards. */
  async digestHex(): Promise<string> {
    if (this.filled > 0) await this.flushBlock();
    return this.outer.digestHex();
  }

  private async flushBlock(): Promise<void> {
    // WebCrypto copies its input when called, so the block buffer can be refilled at once.
    const digest = await this.hashBlock(this.block.subarray(0, this.filled) as Uint8Array<ArrayBuffer>);
    this.outer.update(digest);
    this.filled = 0;
  }
}

/**
 * A HashingReader over `read`, hashing on this thread what it returns, in the order the reads were
 * asked for (they may finish in another order); WebCrypto hashes the blocks off the thread.
 */
export function hashWhileReading(
  read: (offset: number, length: number) => Promise<Uint8Array>,
): HashingReader {
  const digest = new FileDigest();
  let hashing: Promise<void> = Promise.resolve();
  return {
    read: (offset, length) => {
      const bytes = read(offset, length);
      hashing = hashing.then(async () => digest.update(await bytes));
      hashing.catch(() => undefined); // surfaces in digestHex, after the read itself failed
      return bytes;
    },
    digestHex: async () => {
      await hashing;
      return digest.digestHex();
    },
    close: () => undefined,
  };
}
