/**
 * Dedicated worker that makes thumbnails of received images, off the page's thread: it reads the
 * first bytes to learn the type and size (image-header.ts), decodes only a raster image of a sane
 * size, scaled down as it decodes, and draws it into a small canvas. What the page gets is a PNG
 * this worker encoded (a data URL), never the sender's bytes: nothing of the original file, least
 * of all an SVG document, reaches the page as active content.
 */
import { HEADER_BYTES, readImageHeader, thumbnailAllowed } from './image-header';
import type { ThumbnailReply, ThumbnailRequest } from './thumbnail-protocol';
import { THUMBNAIL_PIXELS } from './thumbnail-protocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ThumbnailRequest>) => void) | null;
  postMessage(message: ThumbnailReply): void;
}

const scope = self as unknown as WorkerScope;

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.byteLength; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}

async function thumbnail(file: Blob): Promise<string | null> {
  const header = readImageHeader(new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer()));
  if (!header || !thumbnailAllowed(header)) return null;
  // The type from the bytes, not from the name or the sender.
  const typed = new Blob([file], { type: `image/${header.type}` });
  // Scaled as it decodes, the short side to the thumbnail's size (orientation from EXIF applied).
  const scale = THUMBNAIL_PIXELS / Math.min(header.width, header.height);
  const bitmap = await createImageBitmap(
    typed,
    scale < 1 ? { resizeWidth: Math.max(1, Math.round(header.width * scale)), resizeQuality: 'medium' } : {},
  );
  try {
    const canvas = new OffscreenCanvas(THUMBNAIL_PIXELS, THUMBNAIL_PIXELS);
    const context = canvas.getContext('2d');
    if (!context) return null;
    // Cover: the centred square of the image.
    const side = Math.min(bitmap.width, bitmap.height);
    const sx = (bitmap.width - side) / 2;
    const sy = (bitmap.height - side) / 2;
    context.drawImage(bitmap, sx, sy, side, side, 0, 0, THUMBNAIL_PIXELS, THUMBNAIL_PIXELS);
    const png = await canvas.convertToBlob({ type: 'image/png' });
    return `data:image/png;base64,${base64(new Uint8Array(await png.arrayBuffer()))}`;
  } finally {
    bitmap.close();
  }
}

scope.onmessage = (event) => {
  const { id, file } = event.data;
  thumbnail(file).then(
    (url) => scope.postMessage({ id, url }),
    // Not decodable after all (damaged, or not what its header said): the card keeps its icon.
    () => scope.postMessage({ id, url: null }),
  );
};
