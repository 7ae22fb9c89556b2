/** Messages between the page and the thumbnail worker (same origin, same build: typed, not parsed). */

/** A thumbnail's side in pixels: twice the 48 px it is shown at, for high-density screens. */
export const THUMBNAIL_PIXELS = 96;

export interface ThumbnailRequest {
  readonly id: number;
  readonly file: Blob;
}

/** `url` is a `data:image/png` URL the worker encoded, or null: no thumbnail for this file. */
export interface ThumbnailReply {
  readonly id: number;
  readonly url: string | null;
}
