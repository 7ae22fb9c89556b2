/** Messages between the page and the file-reading worker (same build: typed, not parsed). */

/** What the page asks of the worker; the id of the answer is added when it is sent (worker-calls.ts). */
export type BlobReadCall =
  | {
      readonly op: 'read';
      /** The page's number for the file; the file itself comes with the first request for it. */
      readonly key: number;
      readonly file?: Blob;
      readonly offset: number;
      readonly length: number;
      /** With a stream, the read is hashed into that stream's file digest, in request order. */
      readonly stream?: number;
    }
  /** The file digest of what was read in a stream; the stream ends with it. */
  | { readonly op: 'digest'; readonly stream: number };

export type BlobReadRequest =
  | (BlobReadCall & { readonly id: number })
  | { readonly op: 'close-stream'; readonly stream: number }
  | { readonly op: 'forget'; readonly keys: readonly number[] };

export type BlobReadReply =
  | { readonly id: number; readonly ok: true; readonly buffer: ArrayBuffer }
  | { readonly id: number; readonly ok: true; readonly digest: string }
  | { readonly id: number; readonly ok: false };
