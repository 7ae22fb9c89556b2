/**
 * Reads a received image's type and pixel size from its first bytes, before anything decodes it.
 * The type comes from the bytes, not the name: a file called `x.png` that is an SVG document (or
 * anything else) is not a raster image and gets no thumbnail. The size lets the thumbnail maker
 * refuse decompression bombs and absurd shapes without decoding them.
 */

export type RasterType = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';

export interface ImageHeader {
  readonly type: RasterType;
  readonly width: number;
  readonly height: number;
}

/** How much of the file to read: a JPEG's frame header may follow large EXIF and ICC blocks. */
export const HEADER_BYTES = 256 * 1024;

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  [...text].every((char, i) => bytes[at + i] === char.charCodeAt(0));

function jpegSize(bytes: Uint8Array, view: DataView): { width: number; height: number } | null {
  let at = 2;
  while (at + 9 < bytes.byteLength) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = view.getUint16(at + 2);
    // SOF0–SOF15 carry the frame size; C4 (huffman tables), C8 and CC (arithmetic coding) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    at += 2 + length;
  }
  return null;
}

function webpSize(bytes: Uint8Array, view: DataView): { width: number; height: number } | null {
  if (ascii(bytes, 12, 'VP8 ') && bytes[23] === 0x9d && bytes[24] === 0x01 && bytes[25] === 0x2a) {
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (ascii(bytes, 12, 'VP8L') && bytes[20] === 0x2f) {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(bytes, 12, 'VP8X')) {
    const width = ((bytes[24] ?? 0) | ((bytes[25] ?? 0) << 8) | ((bytes[26] ?? 0) << 16)) + 1;
    const height = ((bytes[27] ?? 0) | ((bytes[28] ?? 0) << 8) | ((bytes[29] ?? 0) << 16)) + 1;
    return { width, height };
  }
  return null;
}

/** The image's type and size, or null when the bytes are not a raster image this reads. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  if (bytes.byteLength < 30) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let found: { type: RasterType; size: { width: number; height: number } | null } | null = null;
  if (bytes[0] === 0x89 && ascii(bytes, 1, 'PNG\r\n\x1a\n') && ascii(bytes, 12, 'IHDR')) {
    found = { type: 'png', size: { width: view.getUint32(16), height: view.getUint32(20) } };
  } else if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    found = { type: 'jpeg', size: jpegSize(bytes, view) };
  } else if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) {
    found = { type: 'gif', size: { width: view.getUint16(6, true), height: view.getUint16(8, true) } };
  } else if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) {
    found = { type: 'webp', size: webpSize(bytes, view) };
  } else if (ascii(bytes, 0, 'BM')) {
    found = {
      type: 'bmp',
      size: { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) },
    };
  }
  if (!found?.size || found.size.width < 1 || found.size.height < 1) return null;
  return { type: found.type, ...found.size };
}

/** Beyond this many pixels decoding costs too much memory for a thumbnail (a decompression bomb). */
export const MAX_THUMBNAIL_SOURCE_PIXELS = 50_000_000;
/** Longer than this many times its width (or the reverse), a centred square says nothing. */
const MAX_ASPECT = 20;

export function thumbnailAllowed(header: ImageHeader): boolean {
  const { width, height } = header;
  return (
    width * height <= MAX_THUMBNAIL_SOURCE_PIXELS &&
    Math.max(width, height) / Math.min(width, height) <= MAX_ASPECT
  );
}
