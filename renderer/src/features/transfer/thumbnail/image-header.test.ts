import { describe, expect, it } from 'vitest';
import { readImageHeader, thumbnailAllowed, MAX_THUMBNAIL_SOURCE_PIXELS } from './image-header';

const bytes = (...parts: (string | number[])[]) => {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') for (const char of part) out.push(char.charCodeAt(0));
    else out.push(...part);
  }
  while (out.length < 64) out.push(0);
  return new Uint8Array(out);
};
const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const le16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const le32 = (n: number) => [...le16(n & 0xffff), ...le16(n >>> 16)];

describe('an image header', () => {
  it('reads a PNG’s size', () => {
    const png = bytes([0x89], 'PNG\r\n\x1a\n', be32(13), 'IHDR', be32(640), be32(480));
    expect(readImageHeader(png)).toEqual({ type: 'png', width: 640, height: 480 });
  });

  it('reads a JPEG’s size from its frame header, after an APP segment', () => {
    const jpeg = bytes(
      [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x06],
      'JFIF',
      [0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80],
    );
    expect(readImageHeader(jpeg)).toEqual({ type: 'jpeg', width: 640, height: 480 });
  });

  it('reads GIF, BMP and the three kinds of WebP', () => {
    expect(readImageHeader(bytes('GIF89a', le16(30), le16(20)))).toEqual({
      type: 'gif',
      width: 30,
      height: 20,
    });
    expect(readImageHeader(bytes('BM', new Array(16).fill(0), le32(100), le32(-50)))).toEqual({
      type: 'bmp',
      width: 100,
      height: 50,
    });
    const riff = (chunk: string, body: number[]) => bytes('RIFF', le32(100), 'WEBP', chunk, body);
    expect(
      readImageHeader(riff('VP8 ', [0, 0, 0, 0, 0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(300), ...le16(200)])),
    ).toEqual({
      type: 'webp',
      width: 300,
      height: 200,
    });
    const bits = (300 - 1) | ((200 - 1) << 14);
    expect(readImageHeader(riff('VP8L', [0, 0, 0, 0, 0x2f, ...le32(bits)]))).toEqual({
      type: 'webp',
      width: 300,
      height: 200,
    });
    expect(readImageHeader(riff('VP8X', [0, 0, 0, 0, 0, 0, 0, 0, 43, 1, 0, 199, 0, 0]))).toEqual({
      type: 'webp',
      width: 300,
      height: 200,
    });
  });

  it('finds no image in an SVG document, text or an empty file, whatever it is called', () => {
    expect(readImageHeader(bytes('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'))).toBeNull();
    expect(readImageHeader(bytes('<?xml version="1.0"?><svg/>'))).toBeNull();
    expect(readImageHeader(new TextEncoder().encode('just text'))).toBeNull();
    expect(readImageHeader(new Uint8Array(0))).toBeNull();
    // A PNG signature claiming zero pixels.
    expect(readImageHeader(bytes([0x89], 'PNG\r\n\x1a\n', be32(13), 'IHDR', be32(0), be32(480)))).toBeNull();
  });

  it('allows no decompression bomb and no absurd shape', () => {
    expect(thumbnailAllowed({ type: 'png', width: 4000, height: 3000 })).toBe(true);
    expect(thumbnailAllowed({ type: 'png', width: 60_000, height: 60_000 })).toBe(false);
    expect(thumbnailAllowed({ type: 'png', width: MAX_THUMBNAIL_SOURCE_PIXELS, height: 1 })).toBe(false);
    expect(thumbnailAllowed({ type: 'png', width: 100, height: 5000 })).toBe(false);
  });
});
