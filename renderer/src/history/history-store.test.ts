import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../engine/call/call-manager';
import type { TransferView } from '../engine/transfer/transfer-types';
import type { ChatEntry } from '../state/store';
import { callLine, chatLine, transferLine, type HistoryLine } from './history-lines';
import { HISTORY_VERSION, MIGRATIONS, type StoredLineV1 } from './history-schema';
import { openConversationHistory, type ConversationHistory } from './history-store';

let dbCount = 0;
const opened: ConversationHistory[] = [];
/** A fresh database per test, so tests never see each other's lines. */
function freshName(): string {
  return `history-test-${++dbCount}`;
}
function open(name = freshName()): ConversationHistory {
  const history = openConversationHistory(name);
  if (!history) throw new Error('fake-indexeddb should provide IndexedDB');
  opened.push(history);
  return history;
}
afterEach(() => {
  for (const history of opened.splice(0)) history.close();
});

const incoming = (id: string, sentAt: number, text = id): ChatEntry => ({
  id,
  text,
  sentAt,
  direction: 'in',
});
const outgoing = (
  id: string,
  sentAt: number,
  status: 'sending' | 'delivered' | 'failed' = 'sending',
): ChatEntry => ({
  id,
  text: id,
  sentAt,
  direction: 'out',
  status,
});
const call = (callId: string, peerId: string, startedAt: number): CallRecord => ({
  callId,
  peerId,
  direction: 'incoming',
  reason: 'missed',
  startedAt,
  endedAt: startedAt + 1000,
  durationMs: null,
});
const transfer = (id: string, deviceId: string, createdAt: number): TransferView => ({
  key: `out:${deviceId}:${id}`,
  id,
  deviceId,
  direction: 'out',
  phase: 'done',
  files: [{ path: 'report.pdf', size: 2048, done: 2048, state: 'done' }],
  totalBytes: 2048,
  doneBytes: 2048,
  bytesPerSecond: 12345,
  secondsLeft: 3,
  createdAt,
  finishedAt: createdAt + 500,
  resumableBy: 'you',
});
const texts = (lines: readonly HistoryLine[]) =>
  lines.map((line) =>
    line.kind === 'chat'
      ? line.value.text
      : `${line.kind}:${line.kind === 'call' ? line.value.callId : line.value.id}`,
  );

describe('conversation history on disk', () => {
  it('reads a device’s lines of every kind back oldest first, and only that device’s', async () => {
    const history = open();
    await history.save([
      chatLine('bob', incoming('hello', 1000)),
      callLine(call('c1', 'bob', 2000)),
      chatLine('bob', outgoing('reply', 3000)),
      transferLine(transfer('t1', 'bob', 2500)),
      chatLine('carol', incoming('other', 1500)),
    ]);
    const page = await history.page('bob', 50);
    expect(texts(page.lines)).toEqual(['hello', 'call:c1', 'transfer:t1', 'reply']);
    expect(page.before).toBeNull();
    expect(texts((await history.page('carol', 50)).lines)).toEqual(['other']);
    expect((await history.deviceIds()).sort()).toEqual(['bob', 'carol']);
  });

  it('pages back newest first until the beginning, each line exactly once', async () => {
    const history = open();
    const lines = Array.from({ length: 125 }, (_, index) =>
      chatLine('bob', incoming(`m${index}`, 10_000 + index)),
    );
    await history.save(lines);
    const seen: string[][] = [];
    let page = await history.page('bob', 50);
    seen.push(texts(page.lines));
    while (page.before) {
      page = await history.page('bob', 50, page.before);
      seen.push(texts(page.lines));
    }
    expect(seen.map((part) => part.length)).toEqual([50, 50, 25]);
    expect(seen.reverse().flat()).toEqual(lines.map((line) => (line.kind === 'chat' ? line.value.text : '')));
  });

  it('keeps lines of the same millisecond in the order they were written', async () => {
    const history = open();
    // Ids that sort the other way round, so key order would reverse them.
    await history.save([chatLine('bob', incoming('z-first', 5000))]);
    await history.save([chatLine('bob', incoming('a-second', 5000))]);
    await history.save([chatLine('bob', incoming('m-third', 5000))]);
    const first = await history.page('bob', 2);
    expect(texts(first.lines)).toEqual(['a-second', 'm-third']);
    expect(texts((await history.page('bob', 2, first.before)).lines)).toEqual(['z-first']);
  });

  it('rewrites a changed line in place: a tick arriving keeps its place and is not duplicated', async () => {
    const history = open();
    await history.save([chatLine('bob', outgoing('hi', 1000, 'sending'))]);
    await history.save([chatLine('bob', incoming('later', 2000))]);
    await history.save([chatLine('bob', outgoing('hi', 1000, 'delivered'))]);
    const { lines } = await history.page('bob', 50);
    expect(lines.map((line) => line.value)).toEqual([
      outgoing('hi', 1000, 'delivered'),
      incoming('later', 2000),
    ]);
  });

  it('keeps a transfer’s final view without its speed or Retry, never file contents', async () => {
    const history = open();
    await history.save([transferLine(transfer('t1', 'bob', 1000))]);
    const [line] = (await history.page('bob', 10)).lines;
    expect(line?.kind).toBe('transfer');
    const view = line?.value as TransferView;
    expect(view.files).toEqual([{ path: 'report.pdf', size: 2048, done: 2048, state: 'done' }]);
    expect(view.bytesPerSecond).toBe(0);
    expect(view.secondsLeft).toBeNull();
    expect(view).not.toHaveProperty('resumableBy');
  });

  it('deletes one device’s conversation and leaves the others', async () => {
    const history = open();
    await history.save([
      chatLine('bob', incoming('for bob', 1000)),
      callLine(call('c1', 'bob', 1100)),
      transferLine(transfer('t1', 'bob', 1200)),
      chatLine('bob2', incoming('for bob2', 1000)),
      chatLine('bo', incoming('for bo', 1000)),
    ]);
    await history.deleteDevice('bob');
    expect((await history.page('bob', 50)).lines).toEqual([]);
    expect(texts((await history.page('bob2', 50)).lines)).toEqual(['for bob2']);
    expect(texts((await history.page('bo', 50)).lines)).toEqual(['for bo']);
    expect((await history.deviceIds()).sort()).toEqual(['bo', 'bob2']);
  });

  it('survives a reopen (what a restart does)', async () => {
    const name = freshName();
    const first = open(name);
    await first.save([chatLine('bob', incoming('kept', 1000))]);
    first.close();
    expect(texts((await open(name).page('bob', 10)).lines)).toEqual(['kept']);
  });

  it('a write cut off half-way leaves nothing of it (one transaction)', async () => {
    const name = freshName();
    const history = open(name);
    await history.save([chatLine('bob', incoming('before', 1000))]);
    // What a crash mid-write amounts to: the transaction never commits.
    const db = await openDB(name, HISTORY_VERSION);
    const tx = db.transaction('lines', 'readwrite');
    tx.store
      .put({ deviceId: 'bob', kind: 'chat', id: 'in:a', at: 2000, seq: 100, value: incoming('a', 2000) })
      .catch(() => undefined);
    tx.store
      .put({ deviceId: 'bob', kind: 'chat', id: 'in:b', at: 2001, seq: 101, value: incoming('b', 2001) })
      .catch(() => undefined);
    tx.abort();
    await tx.done.catch(() => undefined);
    db.close();
    expect(texts((await history.page('bob', 10)).lines)).toEqual(['before']);
  });

  it('a save that fails half-way (a line that cannot be stored) keeps none of its lines', async () => {
    const history = open();
    await history.save([chatLine('bob', incoming('before', 1000))]);
    // A value structured clone refuses, as a damaged line would be: the second put throws.
    const unstorable = { ...incoming('bad', 3000), damage: () => undefined } as unknown as ChatEntry;
    await expect(
      history.save([chatLine('bob', incoming('good', 2000)), chatLine('bob', unstorable)]),
    ).rejects.toThrow(/clone/i);
    expect(texts((await history.page('bob', 10)).lines)).toEqual(['before']);
    // The store is still usable, and the order numbers were not used up by the failed write.
    await history.save([chatLine('bob', incoming('after', 4000))]);
    expect(texts((await history.page('bob', 10)).lines)).toEqual(['before', 'after']);
  });

  it('skips records that do not hold a line it can show, rather than failing the page', async () => {
    const name = freshName();
    const history = open(name);
    await history.save([chatLine('bob', incoming('good', 1000))]);
    const db = await openDB(name, HISTORY_VERSION);
    await db.put('lines', {
      deviceId: 'bob',
      kind: 'chat',
      id: 'in:bad',
      at: 1500,
      seq: 50,
      value: { text: 42 },
    });
    await db.put('lines', {
      deviceId: 'bob',
      kind: 'call',
      id: 'x',
      at: 1600,
      seq: 51,
      value: call('x', 'mallory', 1600),
    });
    db.close();
    expect(texts((await history.page('bob', 10)).lines)).toEqual(['good']);
  });
});

describe('history schema migrations', () => {
  it('upgrades a version 1 database with its lines intact, in their order', async () => {
    const name = freshName();
    // A database as Ferry's version 1 schema made it, filled with version 1 records.
    const v1 = await openDB(name, 1, {
      upgrade(database, _old, _new, transaction) {
        void MIGRATIONS[0]?.(database, transaction as never);
      },
    });
    const records: StoredLineV1[] = [
      { deviceId: 'bob', kind: 'chat', id: 'out:hi', at: 1000, value: outgoing('hi', 1000, 'delivered') },
      { deviceId: 'bob', kind: 'call', id: 'c1', at: 2000, value: call('c1', 'bob', 2000) },
      { deviceId: 'bob', kind: 'chat', id: 'in:yo', at: 3000, value: incoming('yo', 3000) },
      { deviceId: 'carol', kind: 'chat', id: 'in:hey', at: 500, value: incoming('hey', 500) },
    ];
    for (const record of records) await v1.put('lines', record);
    expect([...v1.objectStoreNames]).toEqual(['lines']);
    v1.close();

    const history = open(name);
    const bob = await history.page('bob', 50);
    expect(bob.lines.map((line) => line.value)).toEqual([
      outgoing('hi', 1000, 'delivered'),
      call('c1', 'bob', 2000),
      incoming('yo', 3000),
    ]);
    expect(texts((await history.page('carol', 50)).lines)).toEqual(['hey']);

    // The upgraded database is at the current version with the v2 layout.
    const upgraded = await openDB(name);
    expect(upgraded.version).toBe(HISTORY_VERSION);
    expect([...upgraded.objectStoreNames].sort()).toEqual(['lines', 'meta']);
    expect([...upgraded.transaction('lines').store.indexNames]).toEqual(['byDeviceOrder']);
    const seqs = (await upgraded.getAll('lines')).map((record: { seq: number }) => record.seq).sort();
    expect(seqs).toEqual([0, 1, 2, 3]);
    expect(await upgraded.get('meta', 'nextSeq')).toBe(4);
    upgraded.close();

    // New lines continue the numbering after the migrated ones.
    await history.save([chatLine('bob', incoming('after upgrade', 3000))]);
    expect(texts((await history.page('bob', 2)).lines)).toEqual(['yo', 'after upgrade']);
  });

  it('every version has its migration', () => {
    expect(HISTORY_VERSION).toBe(MIGRATIONS.length);
    expect(MIGRATIONS.every((migration) => typeof migration === 'function')).toBe(true);
  });
});
