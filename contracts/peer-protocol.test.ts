import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_CONTROL_FRAME_BYTES,
  MAX_TIMESTAMP_MS,
  decodePeerMessage,
  encodePeerMessage,
} from './peer-protocol';

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

describe('values the UI cannot show are refused or neutralised', () => {
  const chat = (sentAt: unknown) => JSON.stringify({ v: 1, type: 'chat', id: 'm1', text: 'hi', sentAt });

  it.each([8_640_000_000_000_001, MAX_TIMESTAMP_MS + 1, -1, 1.5, Number.MAX_SAFE_INTEGER])(
    'refuses a chat line sent at %d',
    (sentAt) => {
      expect(decodePeerMessage(chat(sentAt)).ok).toBe(false);
    },
  );

  it('accepts every timestamp a date can show, up to the last millisecond of year 9999', () => {
    expect(decodePeerMessage(chat(0)).ok).toBe(true);
    expect(decodePeerMessage(chat(MAX_TIMESTAMP_MS)).ok).toBe(true);
    expect(new Date(MAX_TIMESTAMP_MS).toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it('every accepted sentAt formats as ISO and as a time of day without throwing', () => {
    const time = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit' });
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1, max: MAX_TIMESTAMP_MS + 10 }), fc.double()), (sentAt) => {
        const decoded = decodePeerMessage(chat(sentAt));
        if (!decoded.ok || decoded.value.type !== 'chat') return;
        const shown = decoded.value.sentAt;
        expect(() => new Date(shown).toISOString()).not.toThrow();
        expect(() => time.format(shown)).not.toThrow();
      }),
    );
  });

  const hello = (deviceName: string, appVersion = '0.1.0') =>
    JSON.stringify({
      v: 1,
      type: 'hello',
      deviceId: '0123456789abcdef0123456789abcdef',
      deviceName,
      appVersion,
      publicKey: 'A'.repeat(43),
      certificateFingerprint: Array.from({ length: 32 }, () => 'AB').join(':'),
      identityProof: 'B'.repeat(86),
    });

  it.each([
    ['Ada\u202Epot', 'Adapot'],
    ['  Ada\nlaptop\u0000 ', 'Adalaptop'],
    ['\u2066Bob\u2069', 'Bob'],
  ])('strips control and bidi characters from device name %j', (name, shown) => {
    const decoded = decodePeerMessage(hello(name));
    expect(decoded.ok && decoded.value.type === 'hello' && decoded.value.deviceName).toBe(shown);
  });

  it.each([' ', '\u202E', '\u0000\u0001'])('refuses a device name with nothing showable left: %j', (name) => {
    expect(decodePeerMessage(hello(name)).ok).toBe(false);
  });

  it('refuses an app version that is not a version number', () => {
    expect(decodePeerMessage(hello('Ada', '1.0.0-beta.1+abc')).ok).toBe(true);
    expect(decodePeerMessage(hello('Ada', '<img src=x>')).ok).toBe(false);
    expect(decodePeerMessage(hello('Ada', '')).ok).toBe(false);
  });
});
