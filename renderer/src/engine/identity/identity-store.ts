/**
 * Where this device's identity is kept: IndexedDB (through `idb`), in the desktop renderer and
 * the browser client alike. An RTCCertificate is structured-cloneable, so it is stored as it is
 * (its private key never leaves the browser's crypto store); the Ed25519 secret key is 32 bytes.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CertificateRotation } from '../../../../contracts/device-identity';

export interface StoredIdentity {
  readonly version: 1;
  /** Ed25519 secret key (32 bytes). */
  readonly secretKey: Uint8Array;
  /** Null where no certificate could be made (see DeviceIdentity.certificate). */
  readonly certificate: RTCCertificate | null;
  readonly createdAt: number;
  /**
   * Rotation statements signed at each renewal, oldest first, ending at `certificate` (absent in
   * identities stored before there were any, and in those never renewed).
   */
  readonly rotations?: readonly CertificateRotation[];
}

export interface IdentityStore {
  load(): Promise<StoredIdentity | undefined>;
  /** Saves `made` unless an identity is there already; returns the one kept. */
  keep(made: StoredIdentity): Promise<StoredIdentity>;
  /** Replaces the stored identity (a renewed certificate, same key). */
  replace(identity: StoredIdentity): Promise<void>;
}

interface IdentityDb extends DBSchema {
  identity: { key: 'device'; value: StoredIdentity };
}

export const IDENTITY_DB_NAME = 'ferry-identity';
const KEY = 'device';

/** The identity store in IndexedDB database `name` (one per browser profile / desktop profile). */
export function indexedDbIdentityStore(name: string = IDENTITY_DB_NAME): IdentityStore {
  let opened: Promise<IDBPDatabase<IdentityDb>> | null = null;
  const db = () =>
    (opened ??= openDB<IdentityDb>(name, 1, {
      upgrade(database) {
        database.createObjectStore('identity');
      },
    }));
  return {
    load: async () => (await db()).get('identity', KEY),
    keep: async (made) => {
      // One transaction: read and add together, so two windows cannot both save theirs.
      const tx = (await db()).transaction('identity', 'readwrite');
      const existing = await tx.store.get(KEY);
      if (!existing) await tx.store.add(made, KEY);
      await tx.done;
      return existing ?? made;
    },
    replace: async (identity) => {
      await (await db()).put('identity', identity, KEY);
    },
  };
}

/** An identity store in memory (tests, and hosts without IndexedDB: a new identity per start). */
export function memoryIdentityStore(): IdentityStore {
  let kept: StoredIdentity | undefined;
  return {
    load: async () => kept,
    keep: async (made) => (kept ??= made),
    replace: async (identity) => {
      kept = identity;
    },
  };
}
