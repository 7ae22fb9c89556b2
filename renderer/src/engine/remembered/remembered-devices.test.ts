import { describe, expect, it } from 'vitest';
import { memoryDeviceBook, type RememberedDevice } from './device-book';
import { RememberedDevices } from './remembered-devices';

const device = (id: string, name: string): RememberedDevice => ({
  id,
  name,
  publicKey: name[0]!.repeat(43),
  certificateFingerprint: Array.from({ length: 32 }, () => 'AB').join(':'),
  pairedAt: 1,
  lastSeen: 2,
});
const bob = device('0123456789abcdef0123456789abcdef', 'Bob');
const carol = device('fedcba9876543210fedcba9876543210', 'Carol');

describe('remembered devices: the outbox', () => {
  it('drops what waits for a device whose conversation was deleted, also on disk, and no other device’s', async () => {
    const book = memoryDeviceBook();
    await book.put(bob);
    await book.put(carol);
    const remembered = new RememberedDevices(book);
    await remembered.load();
    remembered.enqueue(bob.id, { id: 'b1', text: 'one', sentAt: 10 });
    remembered.enqueue(bob.id, { id: 'b2', text: 'two', sentAt: 11 });
    remembered.enqueue(carol.id, { id: 'c1', text: 'for Carol', sentAt: 12 });

    await remembered.dropWaiting(bob.id);
    expect(remembered.outbox(bob.id)).toEqual([]);
    expect(remembered.allWaiting().map((entry) => entry.id)).toEqual(['c1']);

    // After a restart nothing comes back to be sent (or shown as waiting) again.
    const restarted = new RememberedDevices(book);
    await restarted.load();
    expect(restarted.allWaiting().map((entry) => entry.id)).toEqual(['c1']);
    expect(restarted.has(bob.id)).toBe(true);
  });
});

describe('remembered devices: the pinned certificate', () => {
  const hello = (fingerprint: string) => ({
    v: 1 as const,
    type: 'hello' as const,
    deviceId: bob.id,
    deviceName: 'Bob',
    appVersion: '1.0.0',
    publicKey: bob.publicKey,
    certificateFingerprint: fingerprint,
    identityProof: 'x'.repeat(86),
  });
  const fp = (byte: string) => Array.from({ length: 32 }, () => byte).join(':');

  it('keeps the pin where it is on the same certificate, and records each move with its time', async () => {
    let time = 100;
    const book = memoryDeviceBook();
    const remembered = new RememberedDevices(book, () => time);
    remembered.remember(hello(fp('AB')));
    time = 200;
    remembered.remember(hello(fp('AB')));
    expect(remembered.get(bob.id)?.replacedFingerprints).toBeUndefined();
    time = 300;
    remembered.remember(hello(fp('CD')));
    expect(remembered.get(bob.id)).toMatchObject({
      certificateFingerprint: fp('CD'),
      replacedFingerprints: [{ fingerprint: fp('AB'), replacedAt: 300 }],
    });
    await remembered.settled();
    // Saved, and read back through the schema.
    const restarted = new RememberedDevices(book);
    await restarted.load();
    expect(restarted.get(bob.id)?.replacedFingerprints).toEqual([{ fingerprint: fp('AB'), replacedAt: 300 }]);
  });
});
