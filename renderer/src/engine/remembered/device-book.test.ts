import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { indexedDbDeviceBook, type RememberedDevice } from './device-book';

const bob: RememberedDevice = {
  id: '0123456789abcdef0123456789abcdef',
  name: 'Bob',
  publicKey: 'A'.repeat(43),
  certificateFingerprint: Array.from({ length: 32 }, () => 'AB').join(':'),
  pairedAt: 1,
  lastSeen: 2,
};

let databases = 0;
const freshName = () => `ferry-devices-test-${++databases}`;

describe('the device book in IndexedDB', () => {
  it('keeps devices and their waiting lines across openings, in writing order', async () => {
    const name = freshName();
    const book = indexedDbDeviceBook(name);
    await book.put(bob);
    await book.addToOutbox({ deviceId: bob.id, id: 'm2', text: 'two', sentAt: 5, seq: 2 });
    await book.addToOutbox({ deviceId: bob.id, id: 'm1', text: 'one', sentAt: 4, seq: 1 });
    const reopened = indexedDbDeviceBook(name);
    expect(await reopened.devices()).toEqual([bob]);
    expect((await reopened.outbox()).map((entry) => entry.id)).toEqual(['m1', 'm2']);
    await reopened.removeFromOutbox(bob.id, 'm1');
    expect((await reopened.outbox()).map((entry) => entry.id)).toEqual(['m2']);
  });

  it('forgets a device together with what waited for it', async () => {
    const book = indexedDbDeviceBook(freshName());
    await book.put(bob);
    await book.addToOutbox({ deviceId: bob.id, id: 'm1', text: 'one', sentAt: 4, seq: 1 });
    await book.remove(bob.id);
    expect(await book.devices()).toEqual([]);
    expect(await book.outbox()).toEqual([]);
  });

  it('skips a damaged record instead of trusting it', async () => {
    const name = freshName();
    const book = indexedDbDeviceBook(name);
    await book.put(bob);
    const raw = await openDB(name, 1);
    await raw.put('devices', { id: 'not-a-device-id', name: '' });
    raw.close();
    expect(await indexedDbDeviceBook(name).devices()).toEqual([bob]);
  });
});
