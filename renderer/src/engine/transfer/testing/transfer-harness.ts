/**
 * Two TransferManagers wired together in one process, like simple-peer's own tests wire two peers:
 * control messages go through the real codec, bulk frames through an in-memory channel pair that
 * models `bufferedAmount` and `bufferedamountlow`, and received files land in a memory sink with
 * the same rules as the real ones (sequential writes, digest check, resume from what is kept).
 *
 * Control messages are delivered as microtasks and frames as macrotasks, so a `file-complete`
 * always overtakes the file's last frames: the reordering that separate SCTP streams allow.
 */
import type { ReceiveBegin, ReceiveKey } from '../../../../../contracts/file-ipc';
import {
  decodePeerMessage,
  encodePeerMessage,
  type OutgoingPeerMessage,
} from '../../../../../contracts/peer-protocol';
import type { LinkObserver } from '../../engine';
import type { PeerSession } from '../../peer-session';
import type { BulkChannelLike, IncomingChannelLike } from '../bulk-link';
import { FileDigest } from '../file-digest';
import { isHeld, listenForFrames, type HeldFrameStore } from '../frame-receiver';
import { TransferManager, type TransferManagerDeps } from '../transfer-manager';
import type { KeptSources, OutgoingFile, OutgoingFiles, ReceiveSink, TransferView } from '../transfer-types';
import type { TransferRecords } from '../transfer-records';

type Listener = (event: MessageEvent) => void;

export class FakeBulkChannel implements BulkChannelLike, IncomingChannelLike {
  readyState: RTCDataChannelState = 'open';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType: BinaryType = 'blob';
  peer: FakeBulkChannel | null = null;
  /** Payload bytes this side has sent, to see what a resume re-sent. */
  sentBytes = 0;
  /** Test hook: may change a frame on its way (corruption). */
  tamper: ((frame: Uint8Array) => Uint8Array) | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();

  addEventListener(type: string, listener: Listener): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  send(data: Uint8Array<ArrayBuffer>): void {
    if (this.readyState !== 'open') throw new Error('InvalidStateError');
    const frame = this.tamper ? this.tamper(data.slice()) : data.slice();
    this.bufferedAmount += frame.byteLength;
    this.sentBytes += frame.byteLength - 16;
    setImmediate(() => {
      this.bufferedAmount -= frame.byteLength;
      if (this.readyState !== 'open') return;
      const before = this.bufferedAmount + frame.byteLength;
      if (
        before > this.bufferedAmountLowThreshold &&
        this.bufferedAmount <= this.bufferedAmountLowThreshold
      ) {
        this.fire('bufferedamountlow');
      }
      if (this.peer?.readyState === 'open') this.peer.fire('message', { data: frame.buffer } as MessageEvent);
    });
  }

  close(): void {
    for (const channel of [this, this.peer]) {
      if (!channel || channel.readyState === 'closed') continue;
      channel.readyState = 'closed';
      channel.fire('close');
    }
  }

  fire(type: string, event = new Event(type) as MessageEvent): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

/** Received files in memory, with resume records that outlive a "page" (a manager). */
export class MemorySink implements ReceiveSink {
  readonly saved = new Map<string, Uint8Array>();
  /** `${senderId}/${transferId}/${index}` → bytes kept so far (the .part). */
  readonly partials = new Map<string, Uint8Array[]>();
  readonly done = new Set<string>();
  private readonly open = new Map<
    string,
    { key: string; name: string; size: number; hash: FileDigest; written: number; queue: Promise<unknown> }
  >();
  private nextId = 1;
  /** Test hooks. */
  writeDelayMs = 0;
  failWritesAfterBytes: number | null = null;
  failCode = 'DISK_FULL';
  /** The largest transfer taken (the browser's blob sink has one); none when undefined. */
  limitBytes?: number;
  /** Bytes received but not yet written, at its highest. */
  maxPendingBytes = 0;
  pendingBytes = 0;
  bytesWritten = 0;

  async status(key: ReceiveKey) {
    let completedBelow = 0;
    while (this.done.has(`${key.senderId}/${key.transferId}/${completedBelow}`)) completedBelow++;
    const offsets: { index: number; offset: number }[] = [];
    for (const [partKey, chunks] of this.partials) {
      const [senderId, transferId, index] = partKey.split('/');
      if (senderId !== key.senderId || transferId !== key.transferId) continue;
      const length = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
      if (Number(index) >= completedBelow && length > 0)
        offsets.push({ index: Number(index), offset: length });
    }
    return { completedBelow, offsets: offsets.sort((a, b) => a.index - b.index) };
  }

  async begin(request: ReceiveBegin) {
    const key = `${request.senderId}/${request.transferId}/${request.index}`;
    if (this.done.has(key)) throw Object.assign(new Error('done'), { code: 'INVALID_PAYLOAD' });
    // Like the real folder: a second begin takes the file over from a page that went away.
    for (const [fileId, file] of this.open) if (file.key === key) this.open.delete(fileId);
    const chunks = this.partials.get(key) ?? [];
    this.partials.set(key, chunks);
    const hash = new FileDigest();
    let written = 0;
    for (const chunk of chunks) {
      await hash.update(chunk);
      written += chunk.byteLength;
    }
    const fileId = `file${this.nextId++}`;
    this.open.set(fileId, {
      key,
      name: request.path,
      size: request.size,
      hash,
      written,
      queue: Promise.resolve(),
    });
    return { fileId, offset: written, name: request.path };
  }

  /** Like the real sinks, writes that arrive while one runs wait their turn. */
  write(fileId: string, offset: number, bytes: Uint8Array): Promise<void> {
    const file = this.open.get(fileId);
    if (!file) return Promise.reject(Object.assign(new Error('unknown'), { code: 'INVALID_PAYLOAD' }));
    const run = file.queue.then(() => this.append(fileId, offset, bytes));
    file.queue = run.catch(() => undefined);
    return run;
  }

  private async append(fileId: string, offset: number, bytes: Uint8Array) {
    const file = this.open.get(fileId);
    if (!file || offset !== file.written)
      throw Object.assign(new Error('bad write'), { code: 'INVALID_PAYLOAD' });
    if (
      this.failWritesAfterBytes !== null &&
      this.bytesWritten + bytes.byteLength > this.failWritesAfterBytes
    ) {
      throw Object.assign(new Error(this.failCode), { code: this.failCode });
    }
    if (this.writeDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.writeDelayMs));
    if (this.open.get(fileId) !== file) throw Object.assign(new Error('closed'), { code: 'IO_FAILED' });
    this.partials.get(file.key)?.push(bytes.slice());
    await file.hash.update(bytes);
    file.written += bytes.byteLength;
    this.bytesWritten += bytes.byteLength;
  }

  async finish(fileId: string, digest: string) {
    const file = this.open.get(fileId);
    if (!file) throw Object.assign(new Error('unknown'), { code: 'INVALID_PAYLOAD' });
    this.open.delete(fileId);
    const chunks = this.partials.get(file.key) ?? [];
    this.partials.delete(file.key);
    if ((await file.hash.digestHex()) !== digest)
      throw Object.assign(new Error('mismatch'), { code: 'DIGEST_MISMATCH' });
    const bytes = concat(chunks);
    this.saved.set(file.name, bytes);
    this.done.add(file.key);
    return { name: file.name, location: `/memory/${file.name}` };
  }

  async abort(fileId: string, keepPartial: boolean) {
    const file = this.open.get(fileId);
    this.open.delete(fileId);
    if (file && !keepPartial) this.partials.delete(file.key);
  }

  async forget(key: ReceiveKey, discardPartials: boolean) {
    for (const partKey of [...this.partials.keys()]) {
      if (discardPartials && partKey.startsWith(`${key.senderId}/${key.transferId}/`))
        this.partials.delete(partKey);
    }
  }

  get openFiles(): number {
    return this.open.size;
  }
}

/**
 * A MemorySink that receives bulk frames itself, like the browser client's storage worker: it
 * holds each frame's payload, hands the engine a handle (HeldBytes), and writes by handle. It
 * counts what it still holds, so tests see that every frame was written or released.
 */
export class HoldingSink extends MemorySink {
  private readonly holding = new Map<number, Uint8Array>();
  private nextHeld = 1;
  /** Frames held so far, and of those, the ones the engine released without writing them. */
  framesHeld = 0;
  framesReleased = 0;

  readonly heldFrames: HeldFrameStore = {
    receive: (deliver) => {
      const channels: IncomingChannelLike[] = [];
      let closed = false;
      return {
        adopt: (channel) => {
          listenForFrames(channel, ({ payload, ...frame }) => {
            if (closed) return;
            const held = this.nextHeld++;
            this.holding.set(held, payload);
            this.framesHeld++;
            deliver({ ...frame, payload: { held, start: 0, byteLength: payload.byteLength } });
          });
          channels.push(channel);
        },
        release: (bytes) => {
          if (isHeld(bytes) && this.holding.delete(bytes.held)) this.framesReleased++;
        },
        close: () => {
          closed = true;
          for (const channel of channels.splice(0)) channel.close();
        },
      };
    },
    write: (fileId, offset, bytes) => {
      const payload = this.holding.get(bytes.held);
      // Like the worker: a frame is written once, and let go of then.
      this.holding.delete(bytes.held);
      if (!payload) return Promise.reject(Object.assign(new Error('not held'), { code: 'INTERNAL' }));
      return this.write(fileId, offset, payload.subarray(bytes.start, bytes.start + bytes.byteLength));
    },
  };

  /** Frames neither written nor released yet. */
  get stillHeld(): number {
    return this.holding.size;
  }
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Deterministic, non-repeating bytes. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

export function memoryFiles(
  entries: readonly { path: string; bytes: Uint8Array }[],
): OutgoingFiles & { closed: boolean } {
  const source = {
    closed: false,
    files: entries.map(({ path, bytes }): OutgoingFile => ({
      path,
      size: bytes.byteLength,
      read: async (offset, length) => bytes.slice(offset, offset + length),
    })),
    close: () => {
      source.closed = true;
    },
  };
  return source;
}

/** One side: a manager, its observers, the views it reported, and its sink. */
export class Side {
  readonly observers = new Set<LinkObserver>();
  readonly views = new Map<string, TransferView>();
  readonly history: TransferView[] = [];
  autoAccept = false;
  /** How long a transfer runs before it is recorded (0: at once, so tests need not wait). */
  recordDelayMs = 0;
  /** The desktop's kept sources (main keeps the files of outgoing transfers across restarts). */
  keptSources: KeptSources | undefined;
  /** This side's clock; tests move it to see what expires. */
  now: () => number = Date.now;
  manager: TransferManager;

  constructor(
    readonly deviceId: string,
    readonly sink: MemorySink = new MemorySink(),
    /** Where unfinished transfers are recorded (kept across `reload`, like IndexedDB). */
    readonly records?: TransferRecords,
  ) {
    this.manager = this.newManager();
  }

  /** A page reload: a new manager, same device id and disk. */
  reload(): void {
    this.manager.dispose();
    this.observers.clear();
    this.views.clear();
    this.manager = this.newManager();
  }

  only(direction: 'in' | 'out'): TransferView {
    const views = [...this.views.values()].filter((view) => view.direction === direction);
    if (views.length !== 1) throw new Error(`expected one ${direction} transfer, got ${views.length}`);
    return views[0] as TransferView;
  }

  private newManager(): TransferManager {
    const deps: TransferManagerDeps = {
      engine: {
        observe: (observer) => {
          this.observers.add(observer);
          return () => this.observers.delete(observer);
        },
      },
      actions: {
        transferChanged: (view) => {
          this.views.set(view.key, view);
          this.history.push(view);
        },
      },
      sink: () => this.sink,
      autoAccept: () => this.autoAccept,
      now: () => this.now(),
      openBulkChannel: (session) => (session as unknown as { channel: FakeBulkChannel }).channel,
      ...(this.records ? { records: this.records, recordDelayMs: this.recordDelayMs } : {}),
      ...(this.keptSources ? { keptSources: this.keptSources } : {}),
    };
    return new TransferManager(deps);
  }
}

/** A connection between two sides; `cut()` drops it like a network failure. */
export class FakeConnection {
  readonly channels: [FakeBulkChannel, FakeBulkChannel];
  private up = true;

  constructor(
    private readonly a: Side,
    private readonly b: Side,
  ) {
    const channelA = new FakeBulkChannel();
    const channelB = new FakeBulkChannel();
    channelA.peer = channelB;
    channelB.peer = channelA;
    this.channels = [channelA, channelB];
    const sessionA = this.session(channelA, b, a.deviceId);
    const sessionB = this.session(channelB, a, b.deviceId);
    for (const observer of a.observers) observer.linkUp?.(b.deviceId, sessionA);
    for (const observer of b.observers) observer.linkUp?.(a.deviceId, sessionB);
  }

  cut(): void {
    if (!this.up) return;
    this.up = false;
    for (const observer of this.a.observers) observer.linkDown?.(this.b.deviceId);
    for (const observer of this.b.observers) observer.linkDown?.(this.a.deviceId);
    this.channels[0].close();
  }

  private session(channel: FakeBulkChannel, to: Side, fromDeviceId: string): PeerSession {
    const session = {
      channel,
      send: (message: OutgoingPeerMessage) => {
        if (!this.up) return false;
        const text = encodePeerMessage(message);
        queueMicrotask(() => {
          if (!this.up) return;
          const decoded = decodePeerMessage(text);
          if (!decoded.ok) throw new Error(`sent an invalid message: ${text}`);
          for (const observer of to.observers)
            observer.message?.(fromDeviceId, decoded.value, session as unknown as PeerSession);
        });
        return true;
      },
    };
    return session as unknown as PeerSession;
  }
}

/** Waits until `check` holds (a safety limit, not a speed assertion: tests never time anything). */
export async function until(check: () => boolean, what: string, maxTurns = 15_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, turn < 100 ? 0 : 1));
  }
  throw new Error(`never happened: ${what}`);
}
