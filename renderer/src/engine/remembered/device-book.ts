/**
 * The devices this one paired with, and the chat lines waiting for them (the outbox), kept in
 * IndexedDB through `idb` in the desktop renderer and the browser client alike. It is a database of
 * its own ("ferry-devices"), so its schema versions never depend on the history store's.
 *
 * Every record read back is parsed: a record written by another version, or damaged, is skipped
 * rather than trusted.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';
import {
  MAX_CERTIFICATE_ROTATIONS,
  certificateFingerprintSchema,
  derivedDeviceIdSchema,
  devicePublicKeySchema,
} from '../../../../contracts/device-identity';
import { MAX_CHAT_TEXT_LENGTH, MAX_DEVICE_NAME_LENGTH } from '../../../../contracts/peer-protocol';

export const rememberedDeviceSchema = z.object({
  id: derivedDeviceIdSchema,
  /** The name the device gives itself (its latest `hello`). */
  name: z.string().min(1).max(MAX_DEVICE_NAME_LENGTH),
  /** The name this person gave it (Rename); shown instead of `name` when set. */
  alias: z.string().min(1).max(MAX_DEVICE_NAME_LENGTH).optional(),
  publicKey: devicePublicKeySchema,
  /** The pinned fingerprint of its DTLS certificate. */
  certificateFingerprint: certificateFingerprintSchema,
  /**
   * Certificates pinned before this one, latest last, with when the pin moved: at a reconnection
   * only on a rotation statement signed by its key, at a new pairing by the code's PAKE.
   */
  replacedFingerprints: z
    .array(
      z.object({ fingerprint: certificateFingerprintSchema, replacedAt: z.number().int().nonnegative() }),
    )
    .max(MAX_CERTIFICATE_ROTATIONS)
    .optional(),
  pairedAt: z.number().int().nonnegative(),
  /** When a connection with it was last up (milliseconds since the epoch). */
  lastSeen: z.number().int().nonnegative(),
});
export type RememberedDevice = z.infer<typeof rememberedDeviceSchema>;

export const outboxEntrySchema = z.object({
  deviceId: derivedDeviceIdSchema,
  id: z.string().min(1).max(64),
  text: z.string().min(1).max(MAX_CHAT_TEXT_LENGTH),
  sentAt: z.number().int().nonnegative(),
  /** Order of writing, across reloads (the outbox goes out in this order). */
  seq: z.number().int().nonnegative(),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

export interface DeviceBook {
  devices(): Promise<RememberedDevice[]>;
  put(device: RememberedDevice): Promise<void>;
  /** Forgets the device and drops whatever waited for it, in one transaction. */
  remove(deviceId: string): Promise<void>;
  outbox(): Promise<OutboxEntry[]>;
  addToOutbox(entry: OutboxEntry): Promise<void>;
  removeFromOutbox(deviceId: string, id: string): Promise<void>;
}

interface DevicesDb extends DBSchema {
  devices: { key: string; value: RememberedDevice };
  outbox: { key: [string, string]; value: OutboxEntry; indexes: { byDevice: string } };
}

export const DEVICES_DB_NAME = 'ferry-devices';

function parsed<T>(schema: z.ZodType<T>, values: readonly unknown[]): T[] {
  return values.flatMap((value) => {
    const result = schema.safeParse(value);
    return result.success ? [result.data] : [];
  });
}

export function indexedDbDeviceBook(name: string = DEVICES_DB_NAME): DeviceBook {
  let opened: Promise<IDBPDatabase<DevicesDb>> | null = null;
  const db = () =>
    (opened ??= openDB<DevicesDb>(name, 1, {
      upgrade(database) {
        database.createObjectStore('devices', { keyPath: 'id' });
        const outbox = database.createObjectStore('outbox', { keyPath: ['deviceId', 'id'] });
        outbox.createIndex('byDevice', 'deviceId');
      },
    }));
  return {
    devices: async () => parsed(rememberedDeviceSchema, await (await db()).getAll('devices')),
    put: async (device) => {
      await (await db()).put('devices', device);
    },
    remove: async (deviceId) => {
      const tx = (await db()).transaction(['devices', 'outbox'], 'readwrite');
      await tx.objectStore('devices').delete(deviceId);
      const waiting = tx.objectStore('outbox').index('byDevice');
      for (const key of await waiting.getAllKeys(deviceId)) await tx.objectStore('outbox').delete(key);
      await tx.done;
    },
    outbox: async () =>
      parsed(outboxEntrySchema, await (await db()).getAll('outbox')).sort((a, b) => a.seq - b.seq),
    addToOutbox: async (entry) => {
      await (await db()).put('outbox', entry);
    },
    removeFromOutbox: async (deviceId, id) => {
      await (await db()).delete('outbox', [deviceId, id]);
    },
  };
}

/** A book in memory (tests, and a browser that refuses storage to this page). */
export function memoryDeviceBook(): DeviceBook {
  const devices = new Map<string, RememberedDevice>();
  const outbox = new Map<string, OutboxEntry>();
  const key = (deviceId: string, id: string) => `${deviceId}/${id}`;
  return {
    devices: async () => [...devices.values()],
    put: async (device) => void devices.set(device.id, device),
    remove: async (deviceId) => {
      devices.delete(deviceId);
      for (const [k, entry] of outbox) if (entry.deviceId === deviceId) outbox.delete(k);
    },
    outbox: async () => [...outbox.values()].sort((a, b) => a.seq - b.seq),
    addToOutbox: async (entry) => void outbox.set(key(entry.deviceId, entry.id), entry),
    removeFromOutbox: async (deviceId, id) => void outbox.delete(key(deviceId, id)),
  };
}
