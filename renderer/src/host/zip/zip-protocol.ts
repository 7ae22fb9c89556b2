/** Messages between the page and the zip worker (same origin, same build: typed, not parsed). */
import type { ZipEntrySource } from './zip-stream';

export interface ZipRequestBody {
  readonly op: 'zip';
  /** The zip's file name, `Album.zip`. */
  readonly name: string;
  readonly entries: readonly ZipEntrySource[];
  /**
   * `opfs`: written to a file in the origin private file system, and that (disk-backed) File is
   * answered. `blob`: gathered as Blob parts, where there is no OPFS (the received files are
   * Blobs in the tab there already).
   */
  readonly target: 'opfs' | 'blob';
}

export type ZipReply =
  | { readonly id: number; readonly ok: true; readonly zip: Blob }
  | { readonly id: number; readonly ok: false; readonly code: 'ZIP_TOO_LARGE' | 'DISK_FULL' | 'IO_FAILED' };
