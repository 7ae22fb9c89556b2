import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../engine/call/call-manager';
import { isCallLine, withCallRecords } from './call-timeline';

const record = (callId: string, startedAt: number): CallRecord => ({
  callId,
  peerId: 'bob',
  direction: 'incoming',
  reason: 'missed',
  startedAt,
  endedAt: startedAt + 1,
  durationMs: null,
});

describe('calls in the timeline', () => {
  it('places each call where it started ringing, among the messages', () => {
    const lines = [
      { id: 'm1', sentAt: 10 },
      { id: 'm2', sentAt: 30 },
    ];
    const merged = withCallRecords(lines, [record('c0', 5), record('c1', 20), record('c2', 40)]);
    expect(merged.map((line) => line.id)).toEqual(['call:c0', 'm1', 'call:c1', 'm2', 'call:c2']);
    expect(merged.filter(isCallLine).map((line) => line.record.callId)).toEqual(['c0', 'c1', 'c2']);
  });

  it('keeps the messages as they are when there were no calls', () => {
    const lines = [{ id: 'm1', sentAt: 10 }];
    expect(withCallRecords(lines, [])).toEqual(lines);
  });
});
