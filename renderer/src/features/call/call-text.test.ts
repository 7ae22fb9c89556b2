import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../engine/call/call-manager';
import { createTranslator } from '../../i18n/i18n';
import { callRecordText, formatCallDuration } from './call-text';

const record = (overrides: Partial<CallRecord>): CallRecord => ({
  callId: 'call-0001',
  peerId: 'bob',
  direction: 'outgoing',
  reason: 'hung-up',
  startedAt: 0,
  endedAt: 0,
  durationMs: null,
  ...overrides,
});

describe('calls in words', () => {
  it.each([
    [0, '0:00'],
    [999, '0:00'],
    [65_000, '1:05'],
    [3_600_000 + 62_000, '1:01:02'],
  ])('formats %i ms as %s', (ms, text) => {
    expect(formatCallDuration(ms)).toBe(text);
  });

  it.each<[Partial<CallRecord>, string]>([
    [{ reason: 'hung-up', durationMs: 125_000 }, 'Call with Bob, 2:05'],
    [{ reason: 'peer-hung-up', durationMs: 5_000 }, 'Call with Bob, 0:05'],
    [{ reason: 'connection-lost', durationMs: 5_000 }, 'Call with Bob dropped: the connection was lost'],
    [{ reason: 'connection-lost' }, 'The call couldn’t connect: no audio got through'],
    [{ reason: 'hung-up' }, 'Call with Bob ended before it connected'],
    [{ reason: 'missed', direction: 'incoming' }, 'Missed call from Bob'],
    [{ reason: 'no-answer' }, 'Bob didn’t answer'],
    [{ reason: 'peer-declined' }, 'Bob declined the call'],
    [{ reason: 'declined', direction: 'incoming' }, 'You declined a call from Bob'],
    [{ reason: 'busy' }, 'Bob was in another call'],
  ])('%o reads “%s”', (overrides, text) => {
    const { key, params } = callRecordText(record(overrides), 'Bob');
    expect(createTranslator('en')(key, params)).toBe(text);
  });

  it('reads in Chinese too', () => {
    const { key, params } = callRecordText(record({ reason: 'missed' }), 'Bob');
    expect(createTranslator('zh-CN')(key, params)).toBe('Bob 的未接来电');
  });
});
