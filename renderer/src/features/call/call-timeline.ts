/** Finished calls in a conversation's timeline, merged with its messages by time. */
import type { CallRecord } from '../../engine/call/call-manager';

/** A call record as a timeline line (ids and times as chat lines have them). */
export interface CallLine {
  readonly id: string;
  readonly sentAt: number;
  readonly record: CallRecord;
}

export function isCallLine(line: object): line is CallLine {
  return 'record' in line;
}

/** Both lists oldest first; the result too. A call sits where it started ringing. */
export function withCallRecords<T extends { readonly sentAt: number }>(
  lines: readonly T[],
  records: readonly CallRecord[],
): (T | CallLine)[] {
  if (records.length === 0) return [...lines];
  const out: (T | CallLine)[] = [];
  let next = 0;
  for (const line of lines) {
    for (; next < records.length && (records[next]?.startedAt ?? 0) <= line.sentAt; next++) {
      const record = records[next];
      if (record) out.push(callLineOf(record));
    }
    out.push(line);
  }
  for (; next < records.length; next++) {
    const record = records[next];
    if (record) out.push(callLineOf(record));
  }
  return out;
}

function callLineOf(record: CallRecord): CallLine {
  return { id: `call:${record.callId}`, sentAt: record.startedAt, record };
}
