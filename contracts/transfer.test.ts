import { describe, expect, it } from 'vitest';
import {
  PEER_PROTOCOL_VERSION,
  decodePeerMessage,
  encodePeerMessage,
  type OutgoingPeerMessage,
} from './peer-protocol';
import {
  TRANSFER_CHUNK_BYTES,
  TRANSFER_FRAME_HEADER_BYTES,
  TRANSFER_FRAME_MAX_BYTES,
  checkManifest,
  decodeTransferFrame,
  encodeTransferFrame,
} from './transfer';

const transferId = 'a1b2c3d4e5f6a7b8';
const digest = 'ab'.repeat(32);

describe('transfer control messages', () => {
  const messages: OutgoingPeerMessage[] = [
    {
      type: 'transfer:offer',
      transferId,
      slot: 1,
      fileCount: 2,
      totalBytes: 3,
      files: [{ index: 0, path: 'Photos/a.jpg', size: 3 }],
      resume: false,
    },
    { type: 'transfer:offer-files', transferId, files: [{ index: 1, path: 'Photos/b.jpg', size: 0 }] },
    { type: 'transfer:accept', transferId, completedBelow: 0, offsets: [{ index: 0, offset: 2 }] },
    { type: 'transfer:decline', transferId },
    { type: 'transfer:cancel', transferId, by: 'receiver', reason: 'user' },
    { type: 'transfer:file-complete', transferId, index: 0, digest },
    { type: 'transfer:complete', transferId },
    { type: 'transfer:credit', transferId, written: 1_048_576 },
    { type: 'transfer:error', transferId, by: 'receiver', code: 'DISK_FULL', index: 0 },
    { type: 'transfer:signal', data: { kind: 'description', type: 'offer', sdp: 'v=0\r\n' } },
    { type: 'transfer:signal', generation: 2, data: { kind: 'relink' } },
    {
      type: 'transfer:signal',
      data: {
        kind: 'candidate',
        candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
    },
  ];

  it.each(messages.map((message) => [message.type, message] as const))('%s round-trips', (_type, message) => {
    const decoded = decodePeerMessage(encodePeerMessage(message));
    expect(decoded).toEqual({ ok: true, value: { v: PEER_PROTOCOL_VERSION, ...message } });
  });

  it.each([
    ['a bad digest', { type: 'transfer:file-complete', transferId, index: 0, digest: 'AB'.repeat(32) }],
    [
      'a negative size',
      {
        type: 'transfer:offer',
        transferId,
        slot: 1,
        fileCount: 1,
        totalBytes: 0,
        resume: false,
        files: [{ index: 0, path: 'x', size: -1 }],
      },
    ],
    [
      'slot 0',
      {
        type: 'transfer:offer',
        transferId,
        slot: 0,
        fileCount: 1,
        totalBytes: 0,
        resume: false,
        files: [{ index: 0, path: 'x', size: 0 }],
      },
    ],
    [
      'an empty manifest',
      { type: 'transfer:offer', transferId, slot: 1, fileCount: 1, totalBytes: 0, resume: false, files: [] },
    ],
    ['an unknown error code', { type: 'transfer:error', transferId, by: 'sender', code: 'OOPS' }],
    ['a short transfer id', { type: 'transfer:decline', transferId: 'x' }],
    ['a transfer id with a path in it', { type: 'transfer:decline', transferId: '../../etc/passwd' }],
    ['a fractional credit', { type: 'transfer:credit', transferId, written: 1.5 }],
    ['a bulk signal of another kind', { type: 'transfer:signal', data: { kind: 'renegotiate' } }],
    ['a negative bulk generation', { type: 'transfer:signal', generation: -1, data: { kind: 'relink' } }],
    ['a fractional bulk generation', { type: 'transfer:signal', generation: 1.5, data: { kind: 'relink' } }],
    [
      'a bulk rollback',
      { type: 'transfer:signal', data: { kind: 'description', type: 'rollback', sdp: 'x' } },
    ],
    [
      'a bulk signal with extra fields',
      { type: 'transfer:signal', data: { kind: 'description', type: 'offer', sdp: 'x', extra: 1 } },
    ],
  ])('rejects %s', (_what, message) => {
    const decoded = decodePeerMessage(JSON.stringify({ v: 1, ...message }));
    expect(decoded.ok).toBe(false);
  });

  it('checks that a whole manifest runs 0…n-1 and adds up', () => {
    const files = [
      { index: 0, path: 'a', size: 5 },
      { index: 1, path: 'b', size: 7 },
    ];
    expect(checkManifest(files, 2, 12).ok).toBe(true);
    expect(checkManifest(files, 2, 13).ok).toBe(false);
    expect(checkManifest(files, 3, 12).ok).toBe(false);
    expect(checkManifest([files[1]!, files[0]!], 2, 12).ok).toBe(false);
    expect(checkManifest([files[0]!, { index: 0, path: 'c', size: 7 }], 2, 12).ok).toBe(false);
  });
});

describe('bulk frames', () => {
  it('fill a frame to exactly Chromium’s maxMessageSize and no further', () => {
    expect(TRANSFER_FRAME_MAX_BYTES).toBe(262_144);
    const frame = encodeTransferFrame({
      slot: 1,
      fileIndex: 0,
      offset: 0,
      payload: new Uint8Array(TRANSFER_CHUNK_BYTES),
    });
    expect(frame.byteLength).toBe(TRANSFER_FRAME_MAX_BYTES);
    expect(() =>
      encodeTransferFrame({
        slot: 1,
        fileIndex: 0,
        offset: 0,
        payload: new Uint8Array(TRANSFER_CHUNK_BYTES + 1),
      }),
    ).toThrow(RangeError);
  });

  it.each([
    [1, 0, 0],
    [0xffff, 0xffffffff, 2 ** 32 - 1],
    [7, 3, 2 ** 32],
    [42, 99_999, 5 * 2 ** 40 + 12_345],
    [2, 1, Number.MAX_SAFE_INTEGER],
  ])('round-trip slot %d, file %d, offset %d', (slot, fileIndex, offset) => {
    const payload = Uint8Array.from([1, 2, 3, 250]);
    const decoded = decodeTransferFrame(encodeTransferFrame({ slot, fileIndex, offset, payload }));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.slot).toBe(slot);
    expect(decoded.value.fileIndex).toBe(fileIndex);
    expect(decoded.value.offset).toBe(offset);
    expect([...decoded.value.payload]).toEqual([1, 2, 3, 250]);
  });

  it('decodes an ArrayBuffer and a view into a larger buffer without copying the payload', () => {
    const encoded = encodeTransferFrame({
      slot: 3,
      fileIndex: 1,
      offset: 10,
      payload: Uint8Array.from([9, 8]),
    });
    expect(decodeTransferFrame(encoded.buffer).ok).toBe(true);
    const padded = new Uint8Array(encoded.byteLength + 8);
    padded.set(encoded, 4);
    const view = padded.subarray(4, 4 + encoded.byteLength);
    const decoded = decodeTransferFrame(view);
    expect(decoded.ok && decoded.value.payload.buffer).toBe(padded.buffer);
    expect(decoded.ok && [...decoded.value.payload]).toEqual([9, 8]);
  });

  it('allows an empty payload (the header alone)', () => {
    const decoded = decodeTransferFrame(
      encodeTransferFrame({ slot: 1, fileIndex: 0, offset: 0, payload: new Uint8Array() }),
    );
    expect(decoded.ok && decoded.value.payload.byteLength).toBe(0);
  });

  it.each([
    ['shorter than a header', new Uint8Array(TRANSFER_FRAME_HEADER_BYTES - 1), 'INVALID_PAYLOAD'],
    [
      'larger than maxMessageSize',
      new Uint8Array(TRANSFER_FRAME_MAX_BYTES + 1).fill(1, 0, 1),
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'another version',
      Uint8Array.from([2, 0, 0, 1, ...new Array<number>(12).fill(0)]),
      'UNSUPPORTED_PROTOCOL',
    ],
    ['slot 0', Uint8Array.from([1, 0, 0, 0, ...new Array<number>(12).fill(0)]), 'INVALID_PAYLOAD'],
    [
      'an offset beyond 2^53',
      Uint8Array.from([1, 0, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
      'INVALID_PAYLOAD',
    ],
  ])('rejects a frame %s', (_what, bytes, code) => {
    const decoded = decodeTransferFrame(bytes);
    expect(decoded.ok ? null : decoded.error.code).toBe(code);
  });
});
