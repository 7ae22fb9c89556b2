/**
 * The file digest of contracts/transfer.ts (FILE_DIGEST_BLOCK_BYTES) with node:crypto: the
 * SHA-256 of the SHA-256 digests of each 256 KiB block, computed as bytes are written. The renderer
 * computes the same (engine/transfer/file-digest.ts); file-digest.test.ts ties the two.
 */
import { createHash, type Hash } from 'node:crypto';
import { FILE_DIGEST_BLOCK_BYTES } from '../../../../contracts/transfer';

export class FileDigest {
  private readonly outer: Hash = createHash('sha256');
  private block: Hash = createHash('sha256');
  private filled = 0;

  update(bytes: Uint8Array): this {
    let offset = 0;
    while (offset < bytes.byteLength) {
      const take = Math.min(FILE_DIGEST_BLOCK_BYTES - this.filled, bytes.byteLength - offset);
      this.block.update(bytes.subarray(offset, offset + take));
      this.filled += take;
      offset += take;
      if (this.filled === FILE_DIGEST_BLOCK_BYTES) this.flushBlock();
    }
    return this;
  }

  digestHex(): string {
    if (this.filled > 0) this.flushBlock();
    return this.outer.digest('hex');
  }

  private flushBlock(): void {
    this.outer.update(this.block.digest());
    this.block = createHash('sha256');
    this.filled = 0;
  }
}
