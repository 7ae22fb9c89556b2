/**
 * File transfers with every paired device: owns the bulk channel of each connection, routes
 * `transfer:*` control messages and bulk frames to the transfer they belong to, offers unfinished
 * transfers again when a device comes back, and reports each transfer's view through
 * `TransferActions`. It observes the engine's links (FerryEngine.observe) and knows nothing of React.
 */
import type { PeerMessage } from '../../../../contracts/peer-protocol';
import {
  MAX_BULK_GENERATION,
  MAX_FILES_PER_TRANSFER,
  checkManifest,
  type ManifestFile,
  type TransferMessage,
  type TransferOfferMessage,
  type TransferSignalMessage,
} from '../../../../contracts/transfer';
import type { LinkObserver } from '../engine';
import type { PeerSession } from '../peer-session';
import { randomId } from '../random-id';
import { openBulkTransport, type BulkHandshakeSignal, type BulkTransportSession } from './bulk-connection';
import { BulkLink, type BulkChannelLike, type IncomingChannelLike } from './bulk-link';
import { receiveFramesHere, type FrameReceiver, type ReceivedFrame } from './frame-receiver';
import { IncomingTransfer } from './incoming-transfer';
import { OutgoingTransfer } from './outgoing-transfer';
import type { TransferContext, TransferLink, TransferLinkSession } from './transfer-link';
import { checkRepicked, sameManifest, type TransferRecord, type TransferRecords } from './transfer-records';
import {
  transferKey,
  type KeptSources,
  type OutgoingFiles,
  type ReceiveSink,
  type TransferActions,
  type TransferView,
} from './transfer-types';

/**
 * Unfinished incoming transfers from one device (waiting for an answer, or accepted and not yet
 * done); more are declined, so a peer can flood neither the screen nor, for a device whose offers
 * are accepted automatically, the disk and memory with transfers that never end.
 */
export const MAX_PENDING_OFFERS_PER_DEVICE = 32;
/**
 * Paths of the manifests one device has under way (offer sent, `offer-files` still to come), in
 * UTF-16 units, all together: one largest manifest, or several smaller ones. Past it the offer
 * that does not fit is refused. Without a budget per device, unfinished manifests piled up
 * (+305 MB of heap from one hostile peer).
 */
export const MAX_MANIFEST_CHARS = 32 * 1024 * 1024;
/** Files of the manifests one device has under way, all together (see MAX_MANIFEST_CHARS). */
const MAX_ASSEMBLING_FILES_PER_DEVICE = MAX_FILES_PER_TRANSFER;
/** Manifests one device may have under way at once. A real sender has one, briefly. */
export const MAX_ASSEMBLING_PER_DEVICE = 4;
/**
 * A manifest not complete this long after its offer is dropped: a real sender sends the rest
 * right after the offer, back to back.
 */
export const MANIFEST_ASSEMBLY_TIMEOUT_MS = 60_000;
/** Progress reports per transfer are batched to this interval (at most 4 a second into the store). */
const PROGRESS_INTERVAL_MS = 250;
/**
 * After the bulk channel alone is lost, how long to wait before setting it up again: when the
 * whole connection is going down, the engine says so within this time and nothing is set up.
 */
export const BULK_RELINK_DELAY_MS = 1_000;

/**
 * How long connection events wait for the records of the last run. IndexedDB can stall (an
 * upgrade blocked by another tab): transfers then go on without resuming, never not at all.
 */
export const RECORDS_LOAD_TIMEOUT_MS = 5_000;
/**
 * A transfer is first recorded once it has run this long: most transfers are over sooner, and
 * never touch IndexedDB (whose writes would compete with the history's for the same disk). A
 * restart within this first second costs only the Accept being asked again.
 */
export const RECORD_DELAY_MS = 1_000;

/** The records, or none if they cannot be read in time. */
function loadWithin(records: TransferRecords, timeoutMs: number): Promise<TransferRecord[]> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), timeoutMs);
    records.load().then(
      (kept) => {
        clearTimeout(timer);
        resolve(kept);
      },
      () => {
        clearTimeout(timer);
        resolve([]);
      },
    );
  });
}

export interface TransferManagerDeps {
  readonly engine: { observe(observer: LinkObserver): () => void };
  readonly actions: TransferActions;
  /** Where received files go; undefined where this host cannot save files. */
  readonly sink: () => ReceiveSink | undefined;
  /** Accept offers from this device without asking (a per-device setting). */
  readonly autoAccept: (deviceId: string) => boolean;
  readonly now?: () => number;
  /**
   * Where unfinished transfers are recorded, so that they resume after a restart of either side
   * (transfer-records.ts). Without it they resume only within one run.
   */
  readonly records?: TransferRecords;
  /**
   * Desktop: the files of outgoing transfers kept readable by main across restarts, so that after
   * a restart of this side they go on without being picked again. Without it (a browser) a sender
   * restart asks for the files again (RepickFiles).
   */
  readonly keptSources?: KeptSources;
  /** How long a transfer runs before its first record is written (RECORD_DELAY_MS; tests use 0). */
  readonly recordDelayMs?: number;
  /**
   * Test seam: how the bulk channel is made on a connection (instead of a bulk connection); it is
   * used in both directions.
   */
  readonly openBulkChannel?: (session: LinkSession) => BulkChannelLike & IncomingChannelLike;
}

/** What the manager gets of a connection: control messages, and what a bulk connection needs. */
type LinkSession = TransferLinkSession &
  Partial<Pick<PeerSession, 'connection' | 'initiator' | 'rtcConfiguration' | 'isOpen'>>;

function canOpenBulkConnection(session: LinkSession): session is LinkSession & BulkTransportSession {
  return (
    session.connection !== undefined &&
    session.initiator !== undefined &&
    session.rtcConfiguration !== undefined
  );
}

/**
 * Files picked again for a transfer that waits for them after a restart: it goes on (`resumed`),
 * or one of its files is not among them (`missing`: pick again), or one is no longer the file that
 * was offered (`changed`: the transfer fails, in words, on both sides).
 */
export type RepickOutcome =
  | { readonly outcome: 'resumed' | 'unknown' }
  | { readonly outcome: 'missing' | 'changed'; readonly path: string };

export type SendFilesOutcome =
  | { readonly outcome: 'offered'; readonly key: string }
  | { readonly outcome: 'offline' | 'empty' | 'too-many' };

interface DeviceLink extends TransferLink {
  /** Incoming transfers by the slot their sender gave them on this connection. */
  readonly incomingBySlot: Map<number, IncomingTransfer>;
  /** Hands `transfer:signal` data to the bulk connection (absent with the test seam). */
  readonly signalBulk?: (data: BulkHandshakeSignal) => void;
}

interface ManifestInProgress {
  readonly deviceId: string;
  readonly offer: TransferOfferMessage;
  readonly files: ManifestFile[];
  chars: number;
  readonly startedAt: number;
}

export class TransferManager {
  private readonly links = new Map<string, DeviceLink>();
  private readonly outgoing = new Map<string, OutgoingTransfer>();
  private readonly incoming = new Map<string, IncomingTransfer>();
  private readonly assembling = new Map<string, ManifestInProgress>();
  /** Messages for a device that was offline when they were due (a cancel while away). */
  private readonly outbox = new Map<string, TransferMessageOut[]>();
  private readonly pendingReports = new Map<string, ReturnType<typeof setTimeout>>();
  /** Bulk links about to be set up again, by device (see bulkLost). */
  private readonly pendingRelinks = new Map<string, ReturnType<typeof setTimeout>>();
  /**
   * Which bulk link of its control connection each device's latest is: 0 first, one more each
   * time it is set up again (see bulkLost).
   */
  private readonly generations = new Map<string, number>();
  private readonly now: () => number;
  private readonly unobserve: () => void;
  private readonly context: TransferContext;
  /**
   * Connection events that came before the records of the last run were read back, run in order
   * once they are: an offer of a transfer accepted before a restart must find its record, or it
   * would be asked about again.
   */
  private waiting: (() => void)[] | null;
  /** After dispose (the page going away) records stay as they are: they are for the next run. */
  private disposed = false;
  /** Transfers with a record kept, by key: whether the record says it was accepted. */
  private readonly recorded = new Map<string, boolean>();
  /** First records waiting for RECORD_DELAY_MS, by key. */
  private readonly recordTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Resolves once the records of the last run are back (at once without records). */
  readonly ready: Promise<void>;

  constructor(private readonly deps: TransferManagerDeps) {
    this.now = deps.now ?? Date.now;
    this.context = { now: this.now, changed: (key, urgent) => this.report(key, urgent) };
    this.waiting = deps.records ? [] : null;
    const whenReady = (event: () => void) => {
      if (this.waiting) this.waiting.push(event);
      else event();
    };
    this.unobserve = deps.engine.observe({
      linkUp: (deviceId, session) => whenReady(() => this.linkUp(deviceId, session)),
      linkDown: (deviceId) =>
        whenReady(() => {
          this.cancelRelink(deviceId);
          this.generations.delete(deviceId);
          this.linkDown(deviceId);
        }),
      message: (deviceId, message, session) => whenReady(() => this.message(deviceId, message, session)),
    });
    const records = deps.records;
    this.ready = records
      ? loadWithin(records, RECORDS_LOAD_TIMEOUT_MS).then((kept) => {
          this.restore(kept);
          const events = this.waiting ?? [];
          this.waiting = null;
          for (const event of events) event();
        })
      : Promise.resolve();
  }

  /** Offers files to a device; the transfer starts when the other person accepts. */
  sendFiles(deviceId: string, source: OutgoingFiles): SendFilesOutcome {
    if (source.files.length === 0) return { outcome: 'empty' };
    if (source.files.length > MAX_FILES_PER_TRANSFER) return { outcome: 'too-many' };
    const link = this.links.get(deviceId);
    if (!link) return { outcome: 'offline' };
    const transfer = new OutgoingTransfer(this.context, randomId(12), deviceId, source, this.now());
    this.outgoing.set(transfer.key, transfer);
    this.report(transfer.key, true);
    transfer.offer(link);
    return { outcome: 'offered', key: transfer.key };
  }

  accept(key: string): void {
    this.incoming.get(key)?.accept();
  }

  /**
   * The files of a transfer that waits for them after a restart of this side, picked again. They
   * are matched with its record by path, size and modification time; the same files go on from
   * what the receiver kept (the receiver's digest check still guards every byte).
   */
  repick(key: string, source: OutgoingFiles): RepickOutcome {
    const transfer = this.outgoing.get(key);
    if (!transfer?.needsFiles) return { outcome: 'unknown' };
    const recorded = transfer.files;
    const match = checkRepicked(recorded, source.files);
    if (match.check !== 'same') {
      const path = match.path ?? '';
      if (match.check === 'changed') {
        const message = transfer.sourceChanged(recorded.findIndex((file) => file.path === path));
        if (message) this.deliver(transfer.deviceId, message);
      }
      source.close?.();
      return { outcome: match.check, path };
    }
    // In the recorded order, whatever order they were picked in.
    const byPath = new Map(source.files.map((file) => [file.path, file]));
    const files = recorded.flatMap((file) => {
      const again = byPath.get(file.path);
      return again ? [again] : [];
    });
    transfer.reattach({
      files,
      ...(source.close ? { close: source.close } : {}),
      ...(source.keep ? { keep: source.keep } : {}),
    });
    // Already recorded: what main keeps for it now names these files (picked again elsewhere, say).
    if (this.recorded.has(key)) transfer.keepFiles();
    const link = this.links.get(transfer.deviceId);
    if (link) transfer.offer(link);
    return { outcome: 'resumed' };
  }

  decline(key: string): void {
    const transfer = this.incoming.get(key);
    const message = transfer?.decline();
    if (transfer && message) this.deliver(transfer.deviceId, message);
  }

  /**
   * Goes on with a transfer that stopped on a problem this side can fix (a full disk, a folder it
   * may not write to, a file it could not read), from the bytes the receiver kept: the receiver
   * accepts again with its offsets, the sender offers again. False if it cannot be retried here.
   */
  retry(key: string): boolean {
    const out = this.outgoing.get(key);
    if (out) {
      if (!out.retry()) return false;
      const link = this.links.get(out.deviceId);
      // Without a connection it is offered when the devices are connected again.
      if (link) out.offer(link);
      return true;
    }
    return this.incoming.get(key)?.retry() ?? false;
  }

  /** Cancels from either side, at any time before it ends. */
  cancel(key: string): void {
    const out = this.outgoing.get(key);
    const incoming = this.incoming.get(key);
    const transfer = out ?? incoming;
    const message = out ? out.cancel() : incoming?.cancel();
    if (transfer && message) this.deliver(transfer.deviceId, message);
  }

  /**
   * A forgotten device: its unfinished transfers are dropped with their records and whatever they
   * kept on disk, silently (its conversation is being deleted too), so nothing of them can resume.
   */
  async forgetDevice(deviceId: string): Promise<void> {
    await this.ready;
    for (const [key, transfer] of [...this.incoming]) {
      if (transfer.deviceId !== deviceId) continue;
      this.incoming.delete(key);
      this.forgetRecord(key);
      if (!transfer.isFinished || transfer.isAccepted) transfer.forgotten();
    }
    for (const [key, transfer] of [...this.outgoing]) {
      if (transfer.deviceId !== deviceId || !transfer.canGoOn) continue;
      this.outgoing.delete(key);
      this.forgetRecord(key);
      transfer.forgotten();
    }
    this.outbox.delete(deviceId);
    this.deps.keptSources?.drop({ deviceId });
    await this.deps.records?.removeDevice(deviceId).catch(() => undefined);
  }

  view(key: string): TransferView | undefined {
    return (this.outgoing.get(key) ?? this.incoming.get(key))?.view();
  }

  dispose(): void {
    this.disposed = true;
    this.unobserve();
    // Like a connection drop: transfers pause where they are and can resume from disk later.
    for (const deviceId of [...this.links.keys()]) this.linkDown(deviceId);
    for (const deviceId of [...this.pendingRelinks.keys()]) this.cancelRelink(deviceId);
    for (const timer of this.pendingReports.values()) clearTimeout(timer);
    this.pendingReports.clear();
    for (const timer of this.recordTimers.values()) clearTimeout(timer);
    this.recordTimers.clear();
  }

  private linkUp(deviceId: string, session: LinkSession, generation = 0): void {
    this.cancelRelink(deviceId);
    this.generations.set(deviceId, generation);
    this.links.get(deviceId)?.bulk.close();
    const incomingBySlot = new Map<number, IncomingTransfer>();
    // Frames are received where the sink writes them, if it can (the browser's storage worker).
    const openFrames = this.deps.sink()?.heldFrames?.receive ?? receiveFramesHere;
    const frames: FrameReceiver = openFrames((frame) => this.frame(incomingBySlot, frame, frames));
    const adoptIncoming = (channel: IncomingChannelLike) => frames.adopt(channel);
    let transport: { channel: BulkChannelLike; signal?: (data: BulkHandshakeSignal) => void } | null;
    try {
      const seam = this.deps.openBulkChannel;
      if (seam) {
        const channel = seam(session);
        adoptIncoming(channel);
        transport = { channel };
      } else {
        transport = canOpenBulkConnection(session)
          ? openBulkTransport(session, { generation, adoptIncoming })
          : null;
      }
    } catch {
      // The control connection closed under us (a channel cannot be made on it): the engine's
      // linkDown follows, and the next connection sets everything up again.
      transport = null;
    }
    if (!transport) {
      frames.close();
      return;
    }
    const { channel } = transport;
    let nextSlot = 1;
    const bulk = new BulkLink(channel, frames, () => {
      // The bulk channel closing alone (not the whole connection): this link's transfers pause,
      // and the bulk link is set up again if the control connection stays.
      if (this.links.get(deviceId)?.bulk !== bulk) return;
      this.linkDown(deviceId);
      this.bulkLost(deviceId, session, generation + 1);
    });
    const link: DeviceLink = {
      deviceId,
      session,
      bulk,
      incomingBySlot,
      ...(transport.signal ? { signalBulk: transport.signal } : {}),
      allocateSlot: () => {
        const slot = nextSlot;
        nextSlot = nextSlot >= 0xffff ? 1 : nextSlot + 1;
        return slot;
      },
    };
    this.links.set(deviceId, link);
    for (const message of this.outbox.get(deviceId)?.splice(0) ?? []) session.send(message);
    for (const transfer of this.outgoing.values()) {
      if (transfer.deviceId === deviceId && transfer.wantsLink) transfer.offer(link);
    }
  }

  /**
   * The bulk channel was lost while the control connection may still be up (its own connection
   * failed, or the other side closed it). After a moment, unless the engine has said the device is
   * gone, tells the other device (`relink`, over the ordered control channel, so it arrives before
   * anything of the new link) and sets up a bulk link of the next generation; the sender then
   * offers its paused transfers again and they resume from what is on the receiver's disk.
   */
  private bulkLost(deviceId: string, session: LinkSession, generation: number): void {
    // Past the limit, the next reconnect sets it up.
    if (!this.canRelink(session) || generation > MAX_BULK_GENERATION) return;
    this.cancelRelink(deviceId);
    const timer = setTimeout(() => {
      this.pendingRelinks.delete(deviceId);
      // The engine may not have reported a closing control connection yet.
      if (this.links.has(deviceId) || session.isOpen === false) return;
      session.send({ type: 'transfer:signal', generation, data: { kind: 'relink' } });
      this.linkUp(deviceId, session, generation);
    }, BULK_RELINK_DELAY_MS);
    this.pendingRelinks.set(deviceId, timer);
  }

  /** Only a real bulk connection can be made again (not the tests' in-memory channel). */
  private canRelink(session: LinkSession): boolean {
    return !this.deps.openBulkChannel && canOpenBulkConnection(session);
  }

  private cancelRelink(deviceId: string): void {
    const timer = this.pendingRelinks.get(deviceId);
    if (timer !== undefined) clearTimeout(timer);
    this.pendingRelinks.delete(deviceId);
  }

  /** `transfer:signal`: the other device set up its bulk link again, or handshake data for it. */
  private bulkSignal(deviceId: string, session: LinkSession, message: TransferSignalMessage): void {
    const generation = message.generation ?? 0;
    const link = this.links.get(deviceId);
    if (message.data.kind === 'relink') {
      // Ours may still look alive (its loss not noticed yet) or be waiting to be set up again;
      // a generation this side already had is old news (each takes a channel id of its own).
      if (generation <= (this.generations.get(deviceId) ?? -1)) return;
      if (link) this.linkDown(deviceId);
      if (this.canRelink(session)) this.linkUp(deviceId, session, generation);
      return;
    }
    // A late candidate of a connection already replaced is of no use to the new one.
    if (this.generations.get(deviceId) === generation) link?.signalBulk?.(message.data);
  }

  private linkDown(deviceId: string): void {
    const link = this.links.get(deviceId);
    if (!link) return;
    this.links.delete(deviceId);
    link.bulk.close();
    for (const key of [...this.assembling.keys()])
      if (key.startsWith(`in:${deviceId}:`)) this.assembling.delete(key);
    for (const transfer of this.outgoing.values()) if (transfer.deviceId === deviceId) transfer.linkDown();
    for (const transfer of this.incoming.values()) if (transfer.deviceId === deviceId) transfer.linkDown();
  }

  private message(deviceId: string, message: PeerMessage, session?: LinkSession): void {
    if (!message.type.startsWith('transfer:')) return;
    if (message.type === 'transfer:signal') {
      if (session) this.bulkSignal(deviceId, session, message);
      return;
    }
    const link = this.links.get(deviceId);
    if (!link) return;
    const transfer = message as TransferMessage;
    switch (transfer.type) {
      case 'transfer:offer':
        this.offerStarted(link, transfer);
        return;
      case 'transfer:offer-files':
        this.offerContinued(link, transfer.transferId, transfer.files);
        return;
      case 'transfer:accept':
        this.out(deviceId, transfer.transferId)?.accept(link, transfer);
        return;
      case 'transfer:decline':
        this.out(deviceId, transfer.transferId)?.declined(
          transfer.reason === 'too-large' ? transfer.limitBytes : undefined,
        );
        return;
      case 'transfer:credit': {
        const out = this.out(deviceId, transfer.transferId);
        if (out && !out.credit(transfer.written)) this.failOutgoingProtocol(link, out);
        return;
      }
      case 'transfer:complete':
        this.out(deviceId, transfer.transferId)?.completed();
        return;
      case 'transfer:file-complete':
        this.in(deviceId, transfer.transferId)?.fileComplete(transfer.index, transfer.digest);
        return;
      case 'transfer:cancel':
        if (transfer.by === 'sender') this.in(deviceId, transfer.transferId)?.peerCancelled();
        else this.out(deviceId, transfer.transferId)?.endedByPeer('cancelled');
        return;
      case 'transfer:error':
        if (transfer.by === 'sender') this.in(deviceId, transfer.transferId)?.peerFailed(transfer.code);
        else this.out(deviceId, transfer.transferId)?.endedByPeer('failed', transfer.code);
        return;
    }
  }

  private offerStarted(link: DeviceLink, offer: TransferOfferMessage): void {
    const key = transferKey('in', link.deviceId, offer.transferId);
    // The same transfer offered again starts its manifest over.
    this.assembling.delete(key);
    if (!this.roomToAssemble(link.deviceId, offer)) {
      link.session.send({ type: 'transfer:decline', transferId: offer.transferId });
      return;
    }
    const progress: ManifestInProgress = {
      deviceId: link.deviceId,
      offer,
      files: [],
      chars: 0,
      startedAt: this.now(),
    };
    this.assembling.set(key, progress);
    this.offerContinued(link, offer.transferId, offer.files);
  }

  /**
   * Whether a device may start one more manifest: few enough under way, and their files and
   * paths within the device's budget. Manifests left unfinished too long are dropped first.
   */
  private roomToAssemble(deviceId: string, offer: TransferOfferMessage): boolean {
    const now = this.now();
    let count = 0;
    let files = offer.fileCount;
    let chars = 0;
    for (const [key, progress] of this.assembling) {
      if (progress.deviceId !== deviceId) continue;
      if (now - progress.startedAt > MANIFEST_ASSEMBLY_TIMEOUT_MS) {
        this.assembling.delete(key);
        continue;
      }
      count++;
      files += progress.offer.fileCount;
      chars += progress.chars;
    }
    return (
      count < MAX_ASSEMBLING_PER_DEVICE &&
      files <= MAX_ASSEMBLING_FILES_PER_DEVICE &&
      chars < MAX_MANIFEST_CHARS
    );
  }

  /** Incoming transfers from a device that are not over: waiting for an answer, or under way. */
  private unfinishedFrom(deviceId: string): number {
    let count = 0;
    for (const transfer of this.incoming.values())
      if (transfer.deviceId === deviceId && !transfer.isFinished) count++;
    return count;
  }

  /** Paths of every manifest a device has under way. */
  private assemblingChars(deviceId: string): number {
    let chars = 0;
    for (const progress of this.assembling.values())
      if (progress.deviceId === deviceId) chars += progress.chars;
    return chars;
  }

  private offerContinued(link: DeviceLink, transferId: string, files: readonly ManifestFile[]): void {
    const key = transferKey('in', link.deviceId, transferId);
    const progress = this.assembling.get(key);
    if (!progress) return;
    for (const file of files) {
      progress.files.push(file);
      progress.chars += file.path.length;
    }
    const { offer } = progress;
    if (
      progress.files.length > offer.fileCount ||
      this.assemblingChars(link.deviceId) > MAX_MANIFEST_CHARS ||
      this.now() - progress.startedAt > MANIFEST_ASSEMBLY_TIMEOUT_MS
    ) {
      this.assembling.delete(key);
      link.session.send({ type: 'transfer:error', transferId, by: 'receiver', code: 'PROTOCOL_ERROR' });
      return;
    }
    if (progress.files.length < offer.fileCount) return;
    this.assembling.delete(key);
    if (!checkManifest(progress.files, offer.fileCount, offer.totalBytes).ok) {
      link.session.send({ type: 'transfer:error', transferId, by: 'receiver', code: 'PROTOCOL_ERROR' });
      return;
    }
    this.offerComplete(link, offer, progress.files);
  }

  private offerComplete(link: DeviceLink, offer: TransferOfferMessage, files: readonly ManifestFile[]): void {
    const key = transferKey('in', link.deviceId, offer.transferId);
    let transfer = this.incoming.get(key);
    if (transfer && (transfer.totalBytes !== offer.totalBytes || !sameManifest(transfer.manifest, files))) {
      // Same id, different files: not the transfer we know. Refuse rather than mix them up.
      link.session.send({
        type: 'transfer:error',
        transferId: offer.transferId,
        by: 'receiver',
        code: 'PROTOCOL_ERROR',
      });
      return;
    }
    if (!transfer) {
      // Counts accepted transfers too: auto-accept must not lift the cap.
      if (this.unfinishedFrom(link.deviceId) >= MAX_PENDING_OFFERS_PER_DEVICE) {
        link.session.send({ type: 'transfer:decline', transferId: offer.transferId });
        return;
      }
      transfer = new IncomingTransfer(
        this.context,
        this.deps.sink,
        offer.transferId,
        link.deviceId,
        files,
        offer.totalBytes,
        this.now(),
      );
      this.incoming.set(key, transfer);
    }
    const previousSlot = transfer.currentSlot;
    if (previousSlot !== 0) link.incomingBySlot.delete(previousSlot);
    link.incomingBySlot.set(offer.slot, transfer);
    transfer.offered(link, offer.slot);
    // More than this device can take (a browser that keeps files in blob storage): declined at
    // once with the limit, so nobody accepts a transfer that is bound to fail, and both sides say why.
    const limitBytes = this.deps.sink()?.limitBytes;
    if (transfer.isAwaitingAnswer && limitBytes !== undefined && offer.totalBytes > limitBytes) {
      const decline = transfer.declineTooLarge(limitBytes);
      if (decline) link.session.send(decline);
      return;
    }
    // Accepted before it is first reported, so a trusted device's files never show as a question.
    if (transfer.isAwaitingAnswer && this.deps.autoAccept(link.deviceId)) transfer.accept();
    else this.report(key, true);
  }

  private frame(
    incomingBySlot: Map<number, IncomingTransfer>,
    frame: ReceivedFrame,
    frames: FrameReceiver,
  ): void {
    // Frames of a transfer that was cancelled meanwhile may still be in flight: they are dropped.
    const handled = incomingBySlot.get(frame.slot)?.frame(frame);
    const release = () => frames.release(frame.payload);
    if (handled) void handled.then(release, release);
    else release();
  }

  private failOutgoingProtocol(link: DeviceLink, transfer: OutgoingTransfer): void {
    link.session.send({
      type: 'transfer:error',
      transferId: transfer.id,
      by: 'sender',
      code: 'PROTOCOL_ERROR',
    });
    transfer.endedByPeer('failed', 'PROTOCOL_ERROR');
  }

  private out(deviceId: string, transferId: string): OutgoingTransfer | undefined {
    return this.outgoing.get(transferKey('out', deviceId, transferId));
  }

  private in(deviceId: string, transferId: string): IncomingTransfer | undefined {
    return this.incoming.get(transferKey('in', deviceId, transferId));
  }

  /** Sends now, or when the device is next connected. */
  private deliver(deviceId: string, message: TransferMessageOut): void {
    const link = this.links.get(deviceId);
    if (link?.session.send(message)) return;
    const queued = this.outbox.get(deviceId) ?? [];
    queued.push(message);
    this.outbox.set(deviceId, queued);
  }

  /**
   * Transfers from the records of the last run. An incoming transfer this person had accepted
   * comes back paused, and goes on without asking when its sender offers it again (the offer's
   * manifest must be the recorded one, see offerComplete).
   */
  private restore(records: readonly TransferRecord[]): void {
    for (const record of records) {
      if (record.direction === 'out') {
        this.restoreOutgoing(record);
        continue;
      }
      if (!record.accepted || this.incoming.has(record.key)) {
        void this.deps.records?.remove(record.key).catch(() => undefined);
        continue;
      }
      const transfer = new IncomingTransfer(
        this.context,
        this.deps.sink,
        record.id,
        record.deviceId,
        record.files.map((file, index) => ({ index, path: file.path, size: file.size })),
        record.totalBytes,
        record.createdAt,
      );
      transfer.restoreAccepted();
      this.incoming.set(record.key, transfer);
      this.recorded.set(record.key, true);
      this.report(record.key, true);
    }
  }

  /**
   * An outgoing transfer of the last run comes back without its files (nothing can read them
   * now): it waits, paused, for them to be picked again (repick), or to be cancelled.
   */
  private restoreOutgoing(record: TransferRecord): void {
    if (this.outgoing.has(record.key)) return;
    const files = record.files.map((file) => ({
      path: file.path,
      size: file.size,
      ...(file.modifiedAt !== undefined ? { modifiedAt: file.modifiedAt } : {}),
      read: () => Promise.reject(Object.assign(new Error('not picked again'), { code: 'READ_FAILED' })),
    }));
    const transfer = new OutgoingTransfer(
      this.context,
      record.id,
      record.deviceId,
      { files },
      record.createdAt,
    );
    transfer.restoreDetached(record.accepted);
    this.outgoing.set(record.key, transfer);
    this.recorded.set(record.key, record.accepted);
    this.report(record.key, true);
    if (this.deps.keptSources) void this.reopenKept(record.key, this.deps.keptSources);
  }

  /**
   * Desktop: main opens the files of a restored outgoing transfer again by itself, if they are
   * unchanged, and it goes on as if they had been picked again; a changed one ends it in words
   * (FILE_CHANGED); nothing kept (or a file gone) leaves it waiting for a pick, as in a browser.
   */
  private async reopenKept(key: string, kept: KeptSources): Promise<void> {
    const reopened = await kept.reopen(key).catch(() => ({ kind: 'none' }) as const);
    const transfer = this.outgoing.get(key);
    if (this.disposed || !transfer?.needsFiles) {
      if (reopened.kind === 'opened') reopened.source.close?.();
      return;
    }
    if (reopened.kind === 'opened') {
      this.repick(key, reopened.source);
    } else if (reopened.kind === 'changed') {
      const message = transfer.sourceChanged(transfer.files.findIndex((file) => file.path === reopened.path));
      if (message) this.deliver(transfer.deviceId, message);
    }
  }

  /**
   * Keeps the record of a transfer while it can still go on (accepted and not over), and drops it
   * when it is over. Called on every change of phase.
   */
  private keepRecord(key: string): void {
    const records = this.deps.records;
    if (!records || this.disposed) return;
    const incoming = this.incoming.get(key);
    const outgoing = this.outgoing.get(key);
    let record: TransferRecord | null = null;
    if (incoming?.isAccepted) record = recordOfIncoming(incoming);
    else if (outgoing?.canGoOn) record = recordOfOutgoing(outgoing);
    if (!incoming && !outgoing) return;
    const kept = this.recorded.get(key);
    if (record && kept === undefined) {
      // Its first record waits, and is written only if it is still going on then.
      if (this.recordTimers.has(key)) return;
      const delay = this.deps.recordDelayMs ?? RECORD_DELAY_MS;
      this.recordTimers.set(
        key,
        setTimeout(() => {
          this.recordTimers.delete(key);
          this.recorded.set(key, false);
          this.writeRecord(key);
        }, delay),
      );
    } else if (record && kept !== record.accepted) {
      // Written again when it is accepted: not on every change.
      this.recorded.set(key, record.accepted);
      void records.put(record).catch(() => undefined);
    } else if (!record) {
      const timer = this.recordTimers.get(key);
      if (timer !== undefined) clearTimeout(timer);
      this.recordTimers.delete(key);
      if (kept === undefined) return;
      this.recorded.delete(key);
      void records.remove(key).catch(() => undefined);
      if (outgoing) this.deps.keptSources?.drop({ key });
    }
  }

  /** Stops keeping a record (it is removed from disk by the caller). */
  private forgetRecord(key: string): void {
    clearTimeout(this.recordTimers.get(key));
    this.recordTimers.delete(key);
    this.recorded.delete(key);
  }

  /** Writes a transfer's record now, if it still can go on. */
  private writeRecord(key: string): void {
    const records = this.deps.records;
    if (!records || this.disposed) return;
    const incoming = this.incoming.get(key);
    const outgoing = this.outgoing.get(key);
    const record = incoming?.isAccepted
      ? recordOfIncoming(incoming)
      : outgoing?.canGoOn
        ? recordOfOutgoing(outgoing)
        : null;
    if (!record) {
      this.recorded.delete(key);
      return;
    }
    this.recorded.set(key, record.accepted);
    void records.put(record).catch(() => undefined);
    // Recorded, so it may resume after a restart: the desktop keeps its files readable till then.
    if (record.direction === 'out') outgoing?.keepFiles();
  }

  private report(key: string, urgent: boolean): void {
    const pending = this.pendingReports.get(key);
    if (urgent) {
      this.keepRecord(key);
      if (pending) clearTimeout(pending);
      this.pendingReports.delete(key);
      const view = this.view(key);
      if (view) this.deps.actions.transferChanged(view);
      return;
    }
    if (pending) return;
    this.pendingReports.set(
      key,
      setTimeout(() => {
        this.pendingReports.delete(key);
        const view = this.view(key);
        if (view) this.deps.actions.transferChanged(view);
      }, PROGRESS_INTERVAL_MS),
    );
  }
}

type TransferMessageOut = Parameters<TransferLinkSession['send']>[0];

function recordOfIncoming(transfer: IncomingTransfer): TransferRecord {
  return {
    direction: 'in',
    id: transfer.id,
    deviceId: transfer.deviceId,
    key: transfer.key,
    createdAt: transfer.createdAt,
    totalBytes: transfer.totalBytes,
    files: transfer.manifest.map((file) => ({ path: file.path, size: file.size })),
    accepted: true,
  };
}

function recordOfOutgoing(transfer: OutgoingTransfer): TransferRecord {
  return {
    direction: 'out',
    id: transfer.id,
    deviceId: transfer.deviceId,
    key: transfer.key,
    createdAt: transfer.createdAt,
    totalBytes: transfer.totalBytes,
    files: transfer.files.map((file) => ({
      path: file.path,
      size: file.size,
      ...(file.modifiedAt !== undefined ? { modifiedAt: file.modifiedAt } : {}),
    })),
    accepted: transfer.wasAccepted,
  };
}
