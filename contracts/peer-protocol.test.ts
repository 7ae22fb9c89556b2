import { describe, expect, it } from 'vitest';
import { MAX_CONTROL_FRAME_BYTES, decodePeerMessage, encodePeerMessage } from './peer-protocol';

describe('control channel messages', () => {
  it('round-trips each message type with the protocol version filled in', () => {
    const frames = [
      encodePeerMessage({
        type: 'hello',
        deviceId: '0123456789abcdef0123456789abcdef',
        deviceName: 'Ada',
        appVersion: '0.1.0',
        publicKey: 'A'.repeat(43),
        certificateFingerprint: Array.from({ length: 32 }, () => 'AB').join(':'),
        identityProof: 'B'.repeat(86),
      }),
      encodePeerMessage({ type: 'chat', id: 'm1', text: 'hi 你好', sentAt: 1 }),
      encodePeerMessage({ type: 'chat:ack', id: 'm1' }),
      encodePeerMessage({ type: 'peer:signal', data: { type: 'renegotiate', renegotiate: true } }),
      encodePeerMessage({ type: 'peer:error', code: 'INVALID_MESSAGE' }),
    ];
    for (const frame of frames) {
      const decoded = decodePeerMessage(frame);
      expect(decoded.ok).toBe(true);
      if (decoded.ok) expect(decoded.value.v).toBe(1);
    }
    const chat = decodePeerMessage(frames[1]);
    expect(chat.ok && chat.value.type === 'chat' && chat.value.text).toBe('hi 你好');
  });

  it('decodes binary frames carrying JSON text', () => {
    const bytes = new TextEncoder().encode(encodePeerMessage({ type: 'chat:ack', id: 'x' }));
    expect(decodePeerMessage(bytes).ok).toBe(true);
  });

  it.each([
    ['not JSON', '{nope', 'INVALID_PAYLOAD'],
    ['unknown type', JSON.stringify({ v: 1, type: 'chat:delete', id: 'x' }), 'INVALID_PAYLOAD'],
    ['missing field', JSON.stringify({ v: 1, type: 'chat', id: 'x', sentAt: 1 }), 'INVALID_PAYLOAD'],
    ['empty chat', JSON.stringify({ v: 1, type: 'chat', id: 'x', text: '', sentAt: 1 }), 'INVALID_PAYLOAD'],
    ['future version', JSON.stringify({ v: 2, type: 'chat:ack', id: 'x' }), 'UNSUPPORTED_PROTOCOL'],
    ['oversized', 'x'.repeat(MAX_CONTROL_FRAME_BYTES + 1), 'PAYLOAD_TOO_LARGE'],
    ['a number', 42, 'INVALID_PAYLOAD'],
    ['null JSON', 'null', 'INVALID_PAYLOAD'],
  ])('answers %s with an error code instead of throwing', (_name, frame, code) => {
    const decoded = decodePeerMessage(frame);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.code).toBe(code);
  });
});
