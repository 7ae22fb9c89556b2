import { describe, expect, it } from 'vitest';
import { PEER_PROTOCOL_VERSION, decodePeerMessage, encodePeerMessage } from './peer-protocol';

describe('call messages on the control channel', () => {
  it.each([
    { type: 'call:invite', callId: 'call-0001' },
    { type: 'call:accept', callId: 'call-0001' },
    { type: 'call:decline', callId: 'call-0001', reason: 'declined' },
    { type: 'call:decline', callId: 'call-0001', reason: 'busy' },
    { type: 'call:cancel', callId: 'call-0001' },
    { type: 'call:end', callId: 'call-0001', reason: 'hung-up' },
    { type: 'call:end', callId: 'call-0001', reason: 'failed' },
  ] as const)('round-trips $type with the peer protocol version', (message) => {
    expect(decodePeerMessage(encodePeerMessage(message))).toEqual({
      ok: true,
      value: { v: PEER_PROTOCOL_VERSION, ...message },
    });
  });

  it.each([
    ['a short call id', { v: 1, type: 'call:invite', callId: 'abc' }],
    ['a call id with spaces', { v: 1, type: 'call:accept', callId: 'call 0001 x' }],
    ['an unknown decline reason', { v: 1, type: 'call:decline', callId: 'call-0001', reason: 'rude' }],
    ['an end without a reason', { v: 1, type: 'call:end', callId: 'call-0001' }],
    ['another version', { v: 2, type: 'call:invite', callId: 'call-0001' }],
  ])('refuses %s', (_name, message) => {
    expect(decodePeerMessage(JSON.stringify(message)).ok).toBe(false);
  });
});
