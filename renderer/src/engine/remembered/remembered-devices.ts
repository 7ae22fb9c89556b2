/**
 * The remembered devices in memory, saved through a DeviceBook: who this device paired with (name,
 * public key, pinned certificate fingerprint, last seen), and the chat lines waiting for each of
 * them (the outbox). The engine consults it synchronously; every change is saved in the background
 * and reported to listeners (the store, the tray mirror).
 */
import { MAX_CERTIFICATE_ROTATIONS } from '../../../../contracts/device-identity';
import type { HelloMessage } from '../../../../contracts/peer-protocol';
import type { ChatLine } from '../engine-actions';
import type { DeviceBook, OutboxEntry, RememberedDevice } from './device-book';

export type RememberedListener = (devices: readonly RememberedDevice[]) => void;
/** Called when a device is forgotten, after its record is gone (the history store deletes its lines). */
export type ForgetListener = (deviceId: string) => void | Promise<void>;

export class RememberedDevices {
  private readonly devices = new Map<string, RememberedDevice>();
  private readonly waiting = new Map<string, OutboxEntry[]>();
  private readonly listeners = new Set<RememberedListener>();
  private readonly forgetListeners = new Set<ForgetListener>();
  private nextSeq = 0;
  /** Saves run one after another, so that what is stored last is what was decided last. */
  private saving: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly book: DeviceBook,
    private readonly now: () => number = Date.now,
    private readonly onSaveError: (error: unknown) => void = () => undefined,
  ) {}

  /** Reads the book (once, at start). */
  async load(): Promise<void> {
    const [devices, outbox] = await Promise.all([this.book.devices(), this.book.outbox()]);
    for (const device of devices) this.devices.set(device.id, device);
    for (const entry of outbox) {
      if (!this.devices.has(entry.deviceId)) continue;
      this.queueOf(entry.deviceId).push(entry);
      this.nextSeq = Math.max(this.nextSeq, entry.seq + 1);
    }
    this.changed();
  }

  list(): RememberedDevice[] {
    return [...this.devices.values()].sort((a, b) => a.pairedAt - b.pairedAt);
  }

  get(deviceId: string): RememberedDevice | undefined {
    return this.devices.get(deviceId);
  }

  has(deviceId: string): boolean {
    return this.devices.has(deviceId);
  }

  /**
   * Keeps (or updates) the device that said this verified `hello` on a live connection, pinning
   * the certificate it showed there. The caller has checked that a changed certificate may be
   * pinned (a new pairing by code, or a rotation statement signed by the pinned key); the old
   * one is kept on record.
   */
  remember(hello: HelloMessage): RememberedDevice {
    const known = this.devices.get(hello.deviceId);
    const now = this.now();
    const moved = known !== undefined && known.certificateFingerprint !== hello.certificateFingerprint;
    const replaced = moved
      ? [
          ...(known.replacedFingerprints ?? []),
          { fingerprint: known.certificateFingerprint, replacedAt: now },
        ].slice(-MAX_CERTIFICATE_ROTATIONS)
      : known?.replacedFingerprints;
    const device: RememberedDevice = {
      ...(known?.alias === undefined ? {} : { alias: known.alias }),
      id: hello.deviceId,
      name: hello.deviceName,
      publicKey: hello.publicKey,
      certificateFingerprint: hello.certificateFingerprint,
      ...(replaced === undefined ? {} : { replacedFingerprints: replaced }),
      pairedAt: known?.pairedAt ?? now,
      lastSeen: now,
    };
    this.store(device);
    return device;
  }

  /** The connection with it is up (or just went down): it was seen now. */
  seen(deviceId: string): void {
    const known = this.devices.get(deviceId);
    if (known) this.store({ ...known, lastSeen: this.now() });
  }

  /** This person's own name for the device; empty text goes back to the device's own name. */
  rename(deviceId: string, alias: string): void {
    const known = this.devices.get(deviceId);
    if (!known) return;
    const { alias: _old, ...rest } = known;
    const trimmed = alias.trim();
    this.store(trimmed === '' || trimmed === known.name ? rest : { ...rest, alias: trimmed });
  }

  /** Forgets the device and what waited for it; it needs a new code to come back. */
  forget(deviceId: string): Promise<void> {
    if (!this.devices.delete(deviceId)) return Promise.resolve();
    this.waiting.delete(deviceId);
    this.changed();
    return this.save(async () => {
      await this.book.remove(deviceId);
      for (const listener of this.forgetListeners) await listener(deviceId);
    });
  }

  /** Lines waiting for the device, in the order they were written. */
  outbox(deviceId: string): readonly OutboxEntry[] {
    return this.waiting.get(deviceId) ?? [];
  }

  /** All waiting lines, for showing them after a restart. */
  allWaiting(): readonly OutboxEntry[] {
    return [...this.waiting.values()].flat().sort((a, b) => a.seq - b.seq);
  }

  enqueue(deviceId: string, line: ChatLine): void {
    if (!this.devices.has(deviceId)) return;
    const queue = this.queueOf(deviceId);
    if (queue.some((entry) => entry.id === line.id)) return;
    const entry: OutboxEntry = { deviceId, ...line, seq: this.nextSeq++ };
    queue.push(entry);
    void this.save(() => this.book.addToOutbox(entry));
  }

  /**
   * The person deleted the conversation: lines still waiting for the device go with it, so none of
   * them is sent later (or shown again after a restart).
   */
  dropWaiting(deviceId: string): Promise<void> {
    const queue = this.waiting.get(deviceId) ?? [];
    this.waiting.delete(deviceId);
    if (queue.length === 0) return this.settled();
    return this.save(async () => {
      for (const entry of queue) await this.book.removeFromOutbox(deviceId, entry.id);
    });
  }

  /** The device acknowledged the line: it no longer waits. */
  delivered(deviceId: string, id: string): void {
    const queue = this.waiting.get(deviceId);
    if (!queue?.some((entry) => entry.id === id)) return;
    this.waiting.set(
      deviceId,
      queue.filter((entry) => entry.id !== id),
    );
    void this.save(() => this.book.removeFromOutbox(deviceId, id));
  }

  subscribe(listener: RememberedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where the history store hooks in to delete a forgotten device's conversation. */
  onForget(listener: ForgetListener): () => void {
    this.forgetListeners.add(listener);
    return () => this.forgetListeners.delete(listener);
  }

  /** Resolves once every change so far is saved. */
  settled(): Promise<void> {
    return this.saving.then(() => undefined);
  }

  private queueOf(deviceId: string): OutboxEntry[] {
    let queue = this.waiting.get(deviceId);
    if (!queue) this.waiting.set(deviceId, (queue = []));
    return queue;
  }

  private store(device: RememberedDevice): void {
    this.devices.set(device.id, device);
    this.changed();
    void this.save(() => this.book.put(device));
  }

  private save(write: () => Promise<void>): Promise<void> {
    const next = this.saving.then(write).catch((error: unknown) => this.onSaveError(error));
    this.saving = next;
    return next;
  }

  private changed(): void {
    const list = this.list();
    for (const listener of this.listeners) listener(list);
  }
}
