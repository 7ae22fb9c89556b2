import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../engine/call/call-manager';
import type { TransferView } from '../engine/transfer/transfer-types';
import { createFerryStore, type FerryStore } from '../state/store';
import { testAppInfo, testSettings } from '../state/testing/store-fixtures';
import { chatLine } from './history-lines';
import { LEGACY_TRANSFERS_DB, importLegacyTransfers } from './legacy-transfers';
import { openConversationHistory, type ConversationHistory } from './history-store';
import { startHistory, type HistoryFeature } from './start-history';

let dbCount = 0;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function disk(name = `start-history-${++dbCount}`): { name: string; history: ConversationHistory } {
  const history = openConversationHistory(name);
  if (!history) throw new Error('fake-indexeddb should provide IndexedDB');
  cleanups.push(() => history.close());
  return { name, history };
}

/** One app start: a fresh store on the given database, as after a reload. */
function start(
  history: ConversationHistory,
  options: { firstPage?: number; olderPage?: number } = {},
): { store: FerryStore; feature: HistoryFeature } {
  const store = createFerryStore(testAppInfo, testSettings());
  const feature = startHistory({ store, history, ...options });
  cleanups.push(() => feature.dispose());
  return { store, feature };
}

/** Waits until `check` holds (IndexedDB work completes on later turns of the event loop). */
async function until(check: () => boolean): Promise<void> {
  for (let turn = 0; turn < 500; turn++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error('condition never held');
}

/** The device's lines on disk once `check` holds for them (writes complete asynchronously). */
async function onDisk(
  history: ConversationHistory,
  deviceId: string,
  check: (values: unknown[]) => boolean,
): Promise<unknown[]> {
  let values: unknown[] = [];
  for (let turn = 0; turn < 200; turn++) {
    values = (await history.page(deviceId, 100)).lines.map((line) => line.value);
    if (check(values)) return values;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return values;
}

const bob = { id: 'bob-device', name: 'Bob', appVersion: '0.1.0' };
const texts = (store: FerryStore, deviceId = bob.id) =>
  (store.getState().chats[deviceId] ?? []).map((entry) => entry.text);

const missedCall: CallRecord = {
  callId: 'call-1',
  peerId: bob.id,
  direction: 'incoming',
  reason: 'missed',
  startedAt: 2_500,
  endedAt: 3_000,
  durationMs: null,
};

const finishedTransfer: TransferView = {
  key: `in:${bob.id}:t1`,
  id: 't1',
  deviceId: bob.id,
  direction: 'in',
  phase: 'done',
  files: [{ path: 'photo.jpg', size: 1_000, done: 1_000, state: 'done', savedName: 'photo.jpg' }],
  totalBytes: 1_000,
  doneBytes: 1_000,
  bytesPerSecond: 500,
  secondsLeft: null,
  createdAt: 2_800,
  finishedAt: 3_200,
};

describe('history kept across restarts', () => {
  it('a conversation comes back after a restart: lines both ways with their ticks, a call, a transfer', async () => {
    const { history } = disk();
    const first = start(history);
    const state = () => first.store.getState();
    state().peerOnline(bob);
    state().chatIncoming(bob.id, { id: 'a', text: 'hello from Bob', sentAt: 1_000 });
    state().chatOutgoing(bob.id, { id: 'b', text: 'hi Bob', sentAt: 2_000 });
    state().chatStatus(bob.id, 'b', 'delivered');
    state().callRecorded(missedCall);
    state().transferChanged({ ...finishedTransfer, phase: 'transferring', finishedAt: null });
    state().transferChanged(finishedTransfer);
    state().chatOutgoing(bob.id, { id: 'c', text: 'did it fail?', sentAt: 4_000 });
    state().chatStatus(bob.id, 'c', 'failed');
    const failed = (values: unknown[]) =>
      values.some((value) => (value as { status?: string }).status === 'failed');
    expect(await onDisk(history, bob.id, (values) => values.length === 5 && failed(values))).toHaveLength(5);

    const second = start(history);
    await until(() => texts(second.store).length === 3);
    const restored = second.store.getState();
    expect(restored.chats[bob.id]).toEqual([
      { id: 'a', text: 'hello from Bob', sentAt: 1_000, direction: 'in' },
      { id: 'b', text: 'hi Bob', sentAt: 2_000, direction: 'out', status: 'delivered' },
      { id: 'c', text: 'did it fail?', sentAt: 4_000, direction: 'out', status: 'failed' },
    ]);
    expect(restored.callRecords[bob.id]).toEqual([missedCall]);
    expect(restored.transfers[finishedTransfer.key]).toMatchObject({
      phase: 'done',
      files: finishedTransfer.files,
      bytesPerSecond: 0,
    });
    expect(restored.historyPaging[bob.id]).toEqual({ before: null, loading: false });
  });

  it('a message still sending when Ferry stopped comes back as not delivered, so it can be resent', async () => {
    const { history } = disk();
    await history.save([
      chatLine(bob.id, { id: 'x', text: 'cut off', sentAt: 1_000, direction: 'out', status: 'sending' }),
    ]);
    const { store } = start(history);
    await until(() => texts(store).length === 1);
    expect(store.getState().chats[bob.id]?.[0]).toMatchObject({ status: 'failed' });
    // …and that is what is on disk now too.
    const [stored] = await onDisk(
      history,
      bob.id,
      ([value]) => (value as { status: string }).status === 'failed',
    );
    expect(stored).toMatchObject({ status: 'failed' });
  });

  it('opens with the newest page and pages back, oldest first, until the beginning', async () => {
    const { history } = disk();
    await history.save(
      Array.from({ length: 230 }, (_, index) =>
        chatLine(bob.id, { id: `m${index}`, text: `line ${index}`, sentAt: 10_000 + index, direction: 'in' }),
      ),
    );
    const { store, feature } = start(history, { firstPage: 50, olderPage: 100 });
    await until(() => store.getState().historyPaging[bob.id]?.loading === false);
    expect(texts(store)).toEqual(Array.from({ length: 50 }, (_, index) => `line ${180 + index}`));

    await feature.loadOlder(bob.id);
    expect(texts(store)).toHaveLength(150);
    await feature.loadOlder(bob.id);
    expect(store.getState().historyPaging[bob.id]).toEqual({ before: null, loading: false });
    expect(texts(store)).toEqual(Array.from({ length: 230 }, (_, index) => `line ${index}`));
    // At the beginning: nothing more to read, nothing duplicated.
    await feature.loadOlder(bob.id);
    expect(texts(store)).toHaveLength(230);
  });

  it('lines that arrive while the history is read are neither lost nor doubled', async () => {
    const { history } = disk();
    await history.save([chatLine(bob.id, { id: 'old', text: 'old line', sentAt: 1_000, direction: 'in' })]);
    const { store } = start(history);
    // Bob connects and writes before the read completes.
    store.getState().peerOnline(bob);
    store.getState().chatIncoming(bob.id, { id: 'new', text: 'new line', sentAt: 5_000 });
    await until(() => store.getState().historyPaging[bob.id]?.loading === false);
    expect(texts(store)).toEqual(['old line', 'new line']);
    // And the new line is on disk for the next start.
    const stored = await onDisk(history, bob.id, (values) => values.length === 2);
    expect(stored.map((value) => (value as { text: string }).text)).toEqual(['old line', 'new line']);
  });

  it('Delete conversation removes it from the screen and from disk, and it stays gone after a restart', async () => {
    const { history } = disk();
    const carol = { id: 'carol-device', name: 'Carol', appVersion: '0.1.0' };
    await history.save([
      chatLine(bob.id, { id: 'a', text: 'for Bob', sentAt: 1_000, direction: 'in' }),
      chatLine(carol.id, { id: 'b', text: 'for Carol', sentAt: 1_000, direction: 'in' }),
    ]);
    const { store, feature } = start(history);
    await until(() => texts(store).length === 1 && texts(store, carol.id).length === 1);
    store.getState().callRecorded(missedCall);
    store.getState().transferChanged(finishedTransfer);
    await feature.deleteConversation(bob.id);
    expect(store.getState().chats[bob.id]).toBeUndefined();
    expect(store.getState().callRecords[bob.id]).toBeUndefined();
    expect(store.getState().transfers[finishedTransfer.key]).toBeUndefined();
    expect(texts(store, carol.id)).toEqual(['for Carol']);

    const again = start(history);
    await until(() => texts(again.store, carol.id).length === 1);
    expect(again.store.getState().chats[bob.id]).toBeUndefined();
    expect(await history.deviceIds()).toEqual([carol.id]);
  });

  it('without IndexedDB the conversation still works, for as long as the page lives', async () => {
    const store = createFerryStore(testAppInfo, testSettings());
    const feature = startHistory({ store, history: null });
    cleanups.push(() => feature.dispose());
    store.getState().peerOnline(bob);
    store.getState().chatIncoming(bob.id, { id: 'a', text: 'still here', sentAt: 1_000 });
    await feature.loadOlder(bob.id);
    expect(texts(store)).toEqual(['still here']);
    await feature.deleteConversation(bob.id);
    expect(store.getState().chats[bob.id]).toBeUndefined();
  });

  it('takes along what the conversation left elsewhere (the lines waiting in the outbox)', async () => {
    const store = createFerryStore(testAppInfo, testSettings());
    const deleted: string[] = [];
    const feature = startHistory({
      store,
      history: null,
      onConversationDeleted: async (deviceId) => void deleted.push(deviceId),
    });
    cleanups.push(() => feature.dispose());
    await feature.deleteConversation(bob.id);
    expect(deleted).toEqual([bob.id]);
  });
});

describe('transfers kept by an older Ferry', () => {
  it('move into the history once, and the old database is removed', async () => {
    const legacy = await openDB(LEGACY_TRANSFERS_DB, 1, {
      upgrade(database) {
        database.createObjectStore('transfers', { keyPath: 'key' }).createIndex('createdAt', 'createdAt');
      },
    });
    await legacy.put('transfers', finishedTransfer);
    await legacy.put('transfers', { key: 'junk' });
    legacy.close();
    const { history } = disk();

    expect(await importLegacyTransfers(history)).toBe(1);
    const [line] = (await history.page(bob.id, 10)).lines;
    expect(line).toMatchObject({ kind: 'transfer', value: { key: finishedTransfer.key, phase: 'done' } });
    expect((await indexedDB.databases()).map((info) => info.name)).not.toContain(LEGACY_TRANSFERS_DB);
    // Nothing left to move the next time.
    expect(await importLegacyTransfers(history)).toBe(0);
  });
});
