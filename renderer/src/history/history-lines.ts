/**
 * Conversation lines as the history keeps them, and the checks they pass when read back. What is on
 * disk may come from an older Ferry or have been damaged; a record that does not look like a line
 * is skipped, never handed to the UI.
 */
import { z } from 'zod';
import type { CallRecord } from '../engine/call/call-manager';
import { FINISHED_PHASES, type TransferView } from '../engine/transfer/transfer-types';
import type { ChatEntry } from '../state/store';
import type { HistoryKind, StoredLine } from './history-schema';

export type HistoryLine =
  | { readonly kind: 'chat'; readonly deviceId: string; readonly value: ChatEntry }
  | { readonly kind: 'call'; readonly deviceId: string; readonly value: CallRecord }
  | { readonly kind: 'transfer'; readonly deviceId: string; readonly value: TransferView };

export const chatLine = (deviceId: string, value: ChatEntry): HistoryLine => ({
  kind: 'chat',
  deviceId,
  value,
});
export const callLine = (value: CallRecord): HistoryLine => ({ kind: 'call', deviceId: value.peerId, value });
export const transferLine = (value: TransferView): HistoryLine => ({
  kind: 'transfer',
  deviceId: value.deviceId,
  value,
});

/** The line's id within its device and kind (see StoredLine.id). */
export function lineId(line: HistoryLine): string {
  switch (line.kind) {
    case 'chat':
      return `${line.value.direction}:${line.value.id}`;
    case 'call':
      return line.value.callId;
    case 'transfer':
      return line.value.key;
  }
}

/** When the line happened, which orders the conversation. */
export function lineTime(line: HistoryLine): number {
  switch (line.kind) {
    case 'chat':
      return line.value.sentAt;
    case 'call':
      return line.value.startedAt;
    case 'transfer':
      return line.value.createdAt;
  }
}

/**
 * What is kept of a line. A transfer keeps its final view (names, sizes, outcome, where files
 * were saved) but not its speed, and not Retry: after a restart only the sender's offering it again
 * can resume it. File contents are never part of a view.
 */
export function storedValue(line: HistoryLine): unknown {
  if (line.kind !== 'transfer') return line.value;
  const { resumableBy: _resumable, ...ended } = line.value;
  return { ...ended, bytesPerSecond: 0, secondsLeft: null };
}

const time = z.number().finite();

const chatSchema = z.discriminatedUnion('direction', [
  z.object({
    id: z.string(),
    text: z.string(),
    sentAt: time,
    direction: z.literal('out'),
    // Statuses are kept as the store had them; a newer Ferry may know more than this one shows.
    status: z.string(),
  }),
  z.object({ id: z.string(), text: z.string(), sentAt: time, direction: z.literal('in') }),
]);

const callSchema = z.object({
  callId: z.string(),
  peerId: z.string(),
  direction: z.enum(['outgoing', 'incoming']),
  reason: z.string(),
  startedAt: time,
  endedAt: time,
  durationMs: z.number().nullable(),
});

const transferSchema = z.looseObject({
  key: z.string(),
  id: z.string(),
  deviceId: z.string(),
  direction: z.enum(['in', 'out']),
  phase: z.string().refine((phase) => FINISHED_PHASES.has(phase as TransferView['phase'])),
  files: z.array(z.looseObject({ path: z.string(), size: z.number(), done: z.number(), state: z.string() })),
  totalBytes: z.number(),
  doneBytes: z.number(),
  createdAt: time,
  finishedAt: z.number().nullable(),
});

const schemas: Record<HistoryKind, z.ZodType> = {
  chat: chatSchema,
  call: callSchema,
  transfer: transferSchema,
};

/** The line a record holds, or null where it does not hold one this Ferry can show. */
export function lineFromRecord(record: StoredLine): HistoryLine | null {
  const schema = schemas[record.kind];
  if (!schema || !schema.safeParse(record.value).success) return null;
  const line = { kind: record.kind, deviceId: record.deviceId, value: record.value } as HistoryLine;
  // A call or transfer names its device itself; one filed under another device is not shown there.
  if (line.kind === 'call' && line.value.peerId !== line.deviceId) return null;
  if (line.kind === 'transfer' && line.value.deviceId !== line.deviceId) return null;
  // The parse above checked the shape; the value itself is returned so that its identity is the
  // one the store keeps (and the history knows as already saved).
  return line;
}
