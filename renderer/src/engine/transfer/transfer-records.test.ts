import 'fake-indexeddb/auto';
import { HISTORY_DB_NAME } from '../../history/history-schema';
import { LEGACY_TRANSFERS_DB } from '../../history/legacy-transfers';
import { openDB } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import { encodePeerMessage, type PeerMessage } from '../../../../contracts/peer-protocol';
import { TRANSFER_CHUNK_BYTES, TRANSFER_CREDIT_WINDOW_BYTES } from '../../../../contracts/transfer';
import type { PeerSession } from '../peer-session';
import { sha256Hex } from './sha256';
import { RECORD_DELAY_MS, RECORDS_LOAD_TIMEOUT_MS } from './transfer-manager';
import type { KeptSources, OutgoingFiles } from './transfer-types';
import {
  FakeConnection,
  MemorySink,
  Side,
  memoryFiles,
  patternBytes,
  until,
} from './testing/transfer-harness';
import {
  checkRepicked,
  indexedDbTransferRecords,
  memoryTransferRecords,
  sameManifest,
  TRANSFERS_DB_NAME,
  type TransferRecord,
  type TransferRecords,
} from './transfer-records';

let databases = 0;
/** A fresh IndexedDB store per test (fake-indexeddb keeps databases for the whole file). */
const freshRecords = () => indexedDbTransferRecords(`ferry-transfers-test-${++databases}`);

const record = (overrides: Partial<TransferRecord> = {}): TransferRecord => ({
  direction: 'in',
  id: 'transfer-0001',
  deviceId: 'ada-device',
  key: 'in:ada-device:transfer-0001',
  createdAt: 1_700_000_000_000,
  totalBytes: 30,
  files: [
    { path: 'a.bin', size: 10 },
    { path: 'Album/b.bin', size: 20 },
  ],
  accepted: true,
  ...overrides,
});

describe('transfer records in IndexedDB', () => {
  it('live in a database of their own, not the legacy one the history deletes at start', () => {
    expect(TRANSFERS_DB_NAME).not.toBe(LEGACY_TRANSFERS_DB);
    expect(TRANSFERS_DB_NAME).not.toBe(HISTORY_DB_NAME);
  });

  it('keeps, replaces and removes records, and drops every record of a forgotten device', async () => {
    const records = freshRecords();
    await records.put(record());
    await records.put(record({ id: 'transfer-0002', key: 'in:ada-device:transfer-0002' }));
    await records.put(
      record({ id: 'transfer-0003', deviceId: 'cyd-device', key: 'in:cyd-device:transfer-0003' }),
    );
    await records.put(record({ accepted: false }));
    const keys = async () => (await records.load()).map((kept) => kept.key).sort();
    expect(await keys()).toEqual([
      'in:ada-device:transfer-0001',
      'in:ada-device:transfer-0002',
      'in:cyd-device:transfer-0003',
    ]);
    expect((await records.load()).find((kept) => kept.id === 'transfer-0001')?.accepted).toBe(false);
    await records.remove('in:ada-device:transfer-0002');
    expect(await keys()).toEqual(['in:ada-device:transfer-0001', 'in:cyd-device:transfer-0003']);
    await records.removeDevice('ada-device');
    expect(await keys()).toEqual(['in:cyd-device:transfer-0003']);
    // Read again by another connection to the same database, as after a restart.
    expect((await indexedDbTransferRecords(`ferry-transfers-test-${databases}`).load()).length).toBe(1);
  });

  it('skips a damaged record, or one whose key names another transfer, instead of trusting it', async () => {
    const name = `ferry-transfers-test-${++databases}`;
    const records = indexedDbTransferRecords(name);
    await records.put(record());
    const db = await openDB(name, 1);
    await db.put('transfers', { key: 'in:x:y', direction: 'in', id: 'y' });
    // A key that would make a transfer of another device resume into this one's files.
    await db.put('transfers', { ...record(), key: 'in:eve-device:transfer-0001' });
    // Sizes that do not add up to the total.
    await db.put('transfers', {
      ...record({ id: 'transfer-0009', key: 'in:ada-device:transfer-0009' }),
      totalBytes: 31,
    });
    db.close();
    expect((await records.load()).map((kept) => kept.key)).toEqual(['in:ada-device:transfer-0001']);
  });
});

describe('matching a transfer after a restart', () => {
  it('resumes only into the same files: same count, paths and sizes, in the same order', () => {
    const recorded = record().files;
    expect(sameManifest(recorded, [...recorded])).toBe(true);
    expect(sameManifest(recorded, [recorded[0]!])).toBe(false);
    expect(sameManifest(recorded, [recorded[1]!, recorded[0]!])).toBe(false);
    expect(sameManifest(recorded, [recorded[0]!, { path: 'Album/b.bin', size: 21 }])).toBe(false);
    expect(sameManifest(recorded, [recorded[0]!, { path: 'Album/c.bin', size: 20 }])).toBe(false);
  });

  it('tells a file picked again that is missing or changed from the same one', () => {
    const recorded = [
      { path: 'a.bin', size: 10, modifiedAt: 5 },
      { path: 'b.bin', size: 20 },
    ];
    expect(
      checkRepicked(recorded, [{ path: 'b.bin', size: 20, modifiedAt: 9 }, { ...recorded[0]! }]),
    ).toEqual({
      check: 'same',
    });
    expect(checkRepicked(recorded, [{ path: 'a.bin', size: 10, modifiedAt: 5 }])).toEqual({
      check: 'missing',
      path: 'b.bin',
    });
    expect(
      checkRepicked(recorded, [
        { path: 'a.bin', size: 10, modifiedAt: 6 },
        { path: 'b.bin', size: 20 },
      ]),
    ).toEqual({ check: 'changed', path: 'a.bin' });
    expect(
      checkRepicked(recorded, [
        { path: 'a.bin', size: 10, modifiedAt: 5 },
        { path: 'b.bin', size: 19 },
      ]),
    ).toEqual({ check: 'changed', path: 'b.bin' });
  });
});

/** Ada sends Bob a file; Bob, who keeps records, accepts; returns once some of it is on Bob's disk. */
async function underWay(records: TransferRecords) {
  const ada = new Side('ada-device', new MemorySink());
  const bob = new Side('bob-device', new MemorySink(), records);
  await bob.manager.ready;
  const connection = new FakeConnection(ada, bob);
  bob.sink.writeDelayMs = 2;
  // Larger than the credit window, so the cut comes before the sender has sent everything.
  const bytes = patternBytes(TRANSFER_CREDIT_WINDOW_BYTES + 40 * TRANSFER_CHUNK_BYTES + 7, 31);
  ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'film.mkv', bytes }]));
  await until(() => bob.views.size === 1, 'offer shown');
  bob.manager.accept(bob.only('in').key);
  await until(() => bob.sink.bytesWritten > 6 * TRANSFER_CHUNK_BYTES, 'an eighth written');
  bob.sink.writeDelayMs = 0;
  return { ada, bob, connection, bytes };
}

describe('TransferManager with records: the receiver restarts', () => {
  it('resumes by itself from what is on disk when the devices meet again: no new Accept, one transfer', async () => {
    const records = freshRecords();
    const { ada, bob, connection, bytes } = await underWay(records);
    const before = bob.only('in');
    expect((await records.load()).map((kept) => kept.key)).toEqual([before.key]);

    connection.cut();
    bob.reload();
    await bob.manager.ready;
    const seenBefore = bob.history.length;
    // Back from its record before the sender is there: paused, as it was, under the same key.
    expect(bob.only('in')).toMatchObject({ key: before.key, phase: 'paused', createdAt: before.createdAt });
    await until(() => bob.sink.openFiles === 0, 'partials closed');
    const onDisk = bob.sink.bytesWritten;

    const again = new FakeConnection(ada, bob);
    await until(() => bob.only('in').phase === 'done' && ada.only('out').phase === 'done', 'both done');
    expect(bob.history.slice(seenBefore).some((view) => view.phase === 'awaiting-you')).toBe(false);
    expect(sha256Hex(bob.sink.saved.get('film.mkv') ?? new Uint8Array())).toBe(sha256Hex(bytes));
    // Only what was missing travelled again.
    expect(again.channels[0].sentBytes).toBe(bytes.byteLength - onDisk);
    expect(bob.views.size).toBe(1);
    await until(() => bob.sink.partials.size === 0, 'partials gone');
    expect(await records.load()).toEqual([]);
  });

  it('the same transfer id offered with other files is refused: nothing is resumed into the old file', async () => {
    const records = freshRecords();
    const { bob, connection } = await underWay(records);
    const { id, key, totalBytes } = bob.only('in');
    connection.cut();
    bob.reload();
    await bob.manager.ready;
    await until(() => bob.sink.openFiles === 0, 'partials closed');
    const onDisk = bob.sink.bytesWritten;

    // "Ada" comes back offering other files under the recorded id.
    const impostor = new Side('ada-device', new MemorySink());
    const sent: PeerMessage[] = [];
    impostor.observers.add({ message: (_from, message) => void sent.push(message) });
    new FakeConnection(impostor, bob);
    const session = { send: () => true };
    const observers = [...bob.observers];
    const offer = {
      v: 1 as const,
      type: 'transfer:offer' as const,
      transferId: id,
      slot: 1,
      fileCount: 1,
      // Same count and size: only the name tells it is another file.
      totalBytes,
      files: [{ index: 0, path: 'other.bin', size: totalBytes }],
      resume: true,
    };
    encodePeerMessage(offer); // a valid message
    for (const observer of observers)
      observer.message?.('ada-device', offer, session as unknown as PeerSession);
    await until(() => sent.some((message) => message.type === 'transfer:error'), 'refused');
    expect(sent.find((message) => message.type === 'transfer:error')).toMatchObject({
      transferId: id,
      code: 'PROTOCOL_ERROR',
    });
    expect(sent.some((message) => message.type === 'transfer:accept')).toBe(false);
    expect(bob.only('in')).toMatchObject({ key, phase: 'paused' });
    expect(bob.sink.bytesWritten).toBe(onDisk);
    expect(bob.sink.saved.size).toBe(0);
  });

  it('a record resumes only with its own device: another device offering the same id is asked about, separately', async () => {
    const records = freshRecords();
    const { bob, connection } = await underWay(records);
    const { id } = bob.only('in');
    connection.cut();
    bob.reload();
    await bob.manager.ready;

    const eve = new Side('eve-device', new MemorySink());
    new FakeConnection(eve, bob);
    // Eve cannot choose Ada's transfer id through the engine, so her offer is made by hand.
    const session = { send: () => true };
    for (const observer of bob.observers)
      observer.message?.(
        'eve-device',
        {
          v: 1,
          type: 'transfer:offer',
          transferId: id,
          slot: 2,
          fileCount: 1,
          totalBytes: 5,
          files: [{ index: 0, path: 'film.mkv', size: 5 }],
          resume: true,
        },
        session as unknown as PeerSession,
      );
    await until(() => bob.views.size === 2, 'eve’s offer shown');
    const phases = Object.fromEntries([...bob.views.values()].map((view) => [view.deviceId, view.phase]));
    expect(phases).toEqual({ 'ada-device': 'paused', 'eve-device': 'awaiting-you' });
  });

  it('forgetting the device drops its unfinished transfers: records, partial files and all', async () => {
    const records = freshRecords();
    const { bob, connection } = await underWay(records);
    connection.cut();
    await until(() => bob.sink.openFiles === 0, 'partials closed');
    expect(bob.sink.partials.size).toBe(1);
    await bob.manager.forgetDevice('ada-device');
    await until(() => bob.sink.partials.size === 0, 'partials discarded');
    expect(await records.load()).toEqual([]);
    bob.reload();
    await bob.manager.ready;
    expect(bob.views.size).toBe(0);
  });

  it('a transfer over within its first second never writes a record', async () => {
    let writes = 0;
    const memory = memoryTransferRecords();
    const counted: TransferRecords = { ...memory, put: (record) => (writes++, memory.put(record)) };
    const ada = new Side('ada-device', new MemorySink(), counted);
    const bob = new Side('bob-device', new MemorySink(), counted);
    ada.recordDelayMs = RECORD_DELAY_MS;
    bob.recordDelayMs = RECORD_DELAY_MS;
    ada.reload();
    bob.reload();
    await Promise.all([ada.manager.ready, bob.manager.ready]);
    new FakeConnection(ada, bob);
    bob.autoAccept = true;
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'note.txt', bytes: patternBytes(1000) }]));
    await until(() => bob.views.size === 1 && bob.only('in').phase === 'done', 'received');
    await new Promise((resolve) => setTimeout(resolve, RECORD_DELAY_MS + 50));
    expect(writes).toBe(0);
    expect(await memory.load()).toEqual([]);
  });

  it('an offer this person never answered is not recorded (it is simply asked again)', async () => {
    const records = memoryTransferRecords();
    const ada = new Side('ada-device', new MemorySink());
    const bob = new Side('bob-device', new MemorySink(), records);
    new FakeConnection(ada, bob);
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'a.txt', bytes: patternBytes(10) }]));
    await until(() => bob.views.size === 1, 'offer shown');
    expect(await records.load()).toEqual([]);
  });
});

/** Waits until the kept records pass `check` (writes are not awaited by the manager). */
async function recordsBecome(
  records: TransferRecords,
  check: (kept: TransferRecord[]) => boolean,
  what: string,
): Promise<void> {
  for (let turn = 0; turn < 2_000; turn++) {
    if (check(await records.load())) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`never happened: ${what}`);
}

/** Files as a browser picks them: with a modification time. */
function pickedFiles(entries: readonly { path: string; bytes: Uint8Array; modifiedAt: number }[]) {
  const source = memoryFiles(entries);
  return {
    ...source,
    files: source.files.map((file, index) => ({ ...file, modifiedAt: entries[index]?.modifiedAt ?? 0 })),
  };
}

/** Ada, who keeps records, sends Bob a file and Bob accepts; returns once some of it is on Bob's disk. */
async function sendingUnderWay(records: TransferRecords) {
  const ada = new Side('ada-device', new MemorySink(), records);
  const bob = new Side('bob-device', new MemorySink());
  await ada.manager.ready;
  const connection = new FakeConnection(ada, bob);
  bob.sink.writeDelayMs = 2;
  const bytes = patternBytes(TRANSFER_CREDIT_WINDOW_BYTES + 40 * TRANSFER_CHUNK_BYTES + 7, 41);
  const entry = { path: 'film.mkv', bytes, modifiedAt: 1_700_000_000_000 };
  ada.manager.sendFiles('bob-device', pickedFiles([entry]));
  await until(() => bob.views.size === 1, 'offer shown');
  bob.manager.accept(bob.only('in').key);
  await until(() => bob.sink.bytesWritten > 6 * TRANSFER_CHUNK_BYTES, 'an eighth written');
  bob.sink.writeDelayMs = 0;
  return { ada, bob, connection, bytes, entry };
}

describe('TransferManager with records: the sender restarts', () => {
  it('comes back waiting for its files; picked again, it goes on from the receiver’s disk, once', async () => {
    const records = freshRecords();
    const { ada, bob, connection, bytes, entry } = await sendingUnderWay(records);
    const before = ada.only('out');
    await until(() => ada.only('out').phase === 'transferring', 'accepted');
    await recordsBecome(records, (kept) => kept[0]?.accepted === true, 'recorded as accepted');

    connection.cut();
    ada.reload();
    await ada.manager.ready;
    expect(ada.only('out')).toMatchObject({
      key: before.key,
      createdAt: before.createdAt,
      phase: 'paused',
      needsFiles: true,
    });
    await until(() => bob.sink.openFiles === 0, 'partials closed');
    const onDisk = bob.sink.bytesWritten;

    // Connected again: nothing can be offered before the files are picked again.
    const again = new FakeConnection(ada, bob);
    await until(() => bob.only('in').phase === 'paused', 'receiver waits');
    expect(again.channels[0].sentBytes).toBe(0);
    // A pick without the file changes nothing.
    expect(ada.manager.repick(before.key, pickedFiles([{ ...entry, path: 'other.mkv' }]))).toEqual({
      outcome: 'missing',
      path: 'film.mkv',
    });
    expect(ada.only('out')).toMatchObject({ phase: 'paused', needsFiles: true });

    expect(ada.manager.repick(before.key, pickedFiles([entry]))).toEqual({ outcome: 'resumed' });
    await until(() => bob.only('in').phase === 'done' && ada.only('out').phase === 'done', 'both done');
    expect(sha256Hex(bob.sink.saved.get('film.mkv') ?? new Uint8Array())).toBe(sha256Hex(bytes));
    expect(again.channels[0].sentBytes).toBe(bytes.byteLength - onDisk);
    expect(bob.history.some((view) => view.phase === 'awaiting-you' && view.doneBytes > 0)).toBe(false);
    expect(ada.views.size).toBe(1);
    await recordsBecome(records, (kept) => kept.length === 0, 'record dropped once done');
  });

  it('a file that changed since it was offered ends the transfer on both sides, and the receiver drops its part', async () => {
    const records = freshRecords();
    const { ada, bob, connection, entry } = await sendingUnderWay(records);
    const { key } = ada.only('out');
    await until(() => ada.only('out').phase === 'transferring', 'accepted');
    connection.cut();
    ada.reload();
    await ada.manager.ready;
    new FakeConnection(ada, bob);
    await until(() => bob.sink.openFiles === 0, 'partials closed');

    expect(ada.manager.repick(key, pickedFiles([{ ...entry, modifiedAt: entry.modifiedAt + 1 }]))).toEqual({
      outcome: 'changed',
      path: 'film.mkv',
    });
    expect(ada.only('out')).toMatchObject({ phase: 'failed', error: 'FILE_CHANGED', endedBy: 'you' });
    expect(ada.only('out').resumableBy).toBeUndefined();
    await until(() => bob.only('in').phase === 'failed', 'receiver told');
    expect(bob.only('in')).toMatchObject({ error: 'FILE_CHANGED', endedBy: 'peer' });
    await until(() => bob.sink.partials.size === 0, 'partial dropped');
    await recordsBecome(records, (kept) => kept.length === 0, 'record dropped');
  });

  it('cancelled while it waits for its files: the receiver hears it when connected, and drops its part', async () => {
    const records = freshRecords();
    const { ada, bob, connection } = await sendingUnderWay(records);
    const { key } = ada.only('out');
    await until(() => ada.only('out').phase === 'transferring', 'accepted');
    connection.cut();
    ada.reload();
    await ada.manager.ready;
    ada.manager.cancel(key);
    expect(ada.only('out')).toMatchObject({ phase: 'cancelled' });
    expect(ada.only('out').needsFiles).toBeUndefined();
    new FakeConnection(ada, bob);
    await until(() => bob.only('in').phase === 'cancelled', 'receiver told');
    await until(() => bob.sink.partials.size === 0, 'partial dropped');
    await recordsBecome(records, (kept) => kept.length === 0, 'record dropped');
  });
});

/**
 * The desktop's main process as the renderer sees it through `keptSources`: files read by path,
 * kept for a transfer when asked (`keep` on the source), opened again after a restart — or found
 * changed, or gone — as main's kept-sources.ts answers.
 */
function desktopMain(entries: readonly { path: string; bytes: Uint8Array }[]) {
  const kept = new Map<string, string>();
  const dropped: unknown[] = [];
  const state = {
    /** What the next reopen finds on disk. */
    disk: 'unchanged' as 'unchanged' | 'changed' | 'gone',
    reopened: 0,
  };
  /** Files picked in the desktop app: read in main, with no modification time in the page. */
  const source = (): OutgoingFiles => ({
    ...memoryFiles(entries),
    keep: (key, deviceId) => void kept.set(key, deviceId),
  });
  const keptSources: KeptSources = {
    reopen: async (key) => {
      state.reopened++;
      if (!kept.has(key) || state.disk === 'gone') return { kind: 'none' };
      if (state.disk === 'changed') return { kind: 'changed', path: entries[0]?.path ?? '' };
      return { kind: 'opened', source: source() };
    },
    drop: (which) => {
      dropped.push(which);
      for (const [key, deviceId] of kept)
        if ('key' in which ? key === which.key : deviceId === which.deviceId) kept.delete(key);
    },
  };
  const main = {
    kept,
    dropped,
    source,
    keptSources,
    set disk(value: typeof state.disk) {
      state.disk = value;
    },
    get reopened() {
      return state.reopened;
    },
  };
  return main;
}

async function desktopSendingUnderWay(records: TransferRecords) {
  const bytes = patternBytes(TRANSFER_CREDIT_WINDOW_BYTES + 40 * TRANSFER_CHUNK_BYTES + 7, 43);
  const main = desktopMain([{ path: 'film.mkv', bytes }]);
  const ada = new Side('ada-device', new MemorySink(), records);
  ada.keptSources = main.keptSources;
  ada.reload();
  const bob = new Side('bob-device', new MemorySink());
  await ada.manager.ready;
  const connection = new FakeConnection(ada, bob);
  bob.sink.writeDelayMs = 2;
  ada.manager.sendFiles('bob-device', main.source());
  await until(() => bob.views.size === 1, 'offer shown');
  bob.manager.accept(bob.only('in').key);
  await until(() => bob.sink.bytesWritten > 6 * TRANSFER_CHUNK_BYTES, 'an eighth written');
  bob.sink.writeDelayMs = 0;
  await until(() => ada.only('out').phase === 'transferring', 'accepted');
  await recordsBecome(records, (kept) => kept[0]?.accepted === true, 'recorded as accepted');
  return { ada, bob, connection, bytes, main };
}

describe('TransferManager with records: the desktop sender restarts', () => {
  it('main opens the files again by itself: it goes on from the receiver’s disk with no pick, once', async () => {
    const records = freshRecords();
    const { ada, bob, connection, bytes, main } = await desktopSendingUnderWay(records);
    const { key } = ada.only('out');
    // Kept for this transfer once it was recorded.
    expect([...main.kept]).toEqual([[key, 'bob-device']]);

    connection.cut();
    ada.reload();
    await ada.manager.ready;
    await until(() => main.reopened === 1, 'asked main');
    await until(() => ada.only('out').needsFiles === undefined, 'files back');
    await until(() => bob.sink.openFiles === 0, 'partials closed');
    const onDisk = bob.sink.bytesWritten;

    const again = new FakeConnection(ada, bob);
    await until(() => bob.only('in').phase === 'done' && ada.only('out').phase === 'done', 'both done');
    expect(sha256Hex(bob.sink.saved.get('film.mkv') ?? new Uint8Array())).toBe(sha256Hex(bytes));
    expect(again.channels[0].sentBytes).toBe(bytes.byteLength - onDisk);
    // Never asked for the files.
    expect(ada.history.filter((view) => view.key === key && view.needsFiles)).toHaveLength(1);
    expect(ada.views.size).toBe(1);
    await recordsBecome(records, (kept) => kept.length === 0, 'record dropped once done');
    expect(main.dropped).toEqual([{ key }]);
    expect(main.kept.size).toBe(0);
  });

  it('a file changed since: the transfer ends in words on both sides (FILE_CHANGED), and main forgets it', async () => {
    const records = freshRecords();
    const { ada, bob, connection, main } = await desktopSendingUnderWay(records);
    const { key } = ada.only('out');
    connection.cut();
    main.disk = 'changed';
    ada.reload();
    await ada.manager.ready;
    await until(() => ada.only('out').phase === 'failed', 'sender failed');
    expect(ada.only('out')).toMatchObject({ error: 'FILE_CHANGED', endedBy: 'you' });
    new FakeConnection(ada, bob);
    await until(() => bob.only('in').phase === 'failed', 'receiver told');
    expect(bob.only('in')).toMatchObject({ error: 'FILE_CHANGED', endedBy: 'peer' });
    await recordsBecome(records, (kept) => kept.length === 0, 'record dropped');
    expect(main.dropped).toEqual([{ key }]);
  });

  it('nothing kept (or a file gone): it waits for the files to be picked again, as in a browser', async () => {
    const records = freshRecords();
    const { ada, connection, main } = await desktopSendingUnderWay(records);
    connection.cut();
    main.disk = 'gone';
    ada.reload();
    await ada.manager.ready;
    await until(() => main.reopened === 1, 'asked main');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ada.only('out')).toMatchObject({ phase: 'paused', needsFiles: true });
    // Picked again from where they are now: main keeps the new pick for the next restart.
    main.kept.clear();
    expect(ada.manager.repick(ada.only('out').key, main.source())).toEqual({ outcome: 'resumed' });
    expect([...main.kept]).toEqual([[ada.only('out').key, 'bob-device']]);
  });

  it('cancelled, or its device forgotten: main forgets what it kept', async () => {
    const records = freshRecords();
    const { ada, connection, main } = await desktopSendingUnderWay(records);
    const { key } = ada.only('out');
    ada.manager.cancel(key);
    await recordsBecome(records, (kept) => kept.length === 0, 'record dropped');
    expect(main.dropped).toEqual([{ key }]);
    connection.cut();

    await ada.manager.forgetDevice('bob-device');
    expect(main.dropped).toEqual([{ key }, { deviceId: 'bob-device' }]);
  });
});

describe('TransferManager when the records cannot be read', () => {
  it('goes on without them after a while instead of holding every transfer back', async () => {
    vi.useFakeTimers();
    try {
      const stalled: TransferRecords = {
        ...memoryTransferRecords(),
        load: () => new Promise(() => undefined),
      };
      const bob = new Side('bob-device', new MemorySink(), stalled);
      let ready = false;
      void bob.manager.ready.then(() => (ready = true));
      await vi.advanceTimersByTimeAsync(RECORDS_LOAD_TIMEOUT_MS - 1);
      expect(ready).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(ready).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
