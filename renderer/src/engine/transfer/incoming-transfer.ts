/**
 * Receiving one transfer: show the offer, and once accepted, write every frame to the host's sink
 * as it arrives, acknowledge written bytes with credit, and finish each file when both its last
 * byte and the sender's digest are in (they travel on different channels, so either may come
 * first). The sink hashes while it writes and refuses to present a file whose digest differs.
 *
 * Disk work runs in one queue per transfer, in arrival order: a write never overtakes another, and
 * files are finished in index order, which is what lets `status` describe what is on disk as
 * "files below n are done, plus these offsets".
 */
import type { OutgoingPeerMessage } from '../../../../contracts/peer-protocol';
import {
  TRANSFER_CHUNK_BYTES,
  TRANSFER_CREDIT_STEP_BYTES,
  TRANSFER_CREDIT_WINDOW_BYTES,
  type ManifestFile,
  type TransferErrorCode,
} from '../../../../contracts/transfer';
import { bytesFrom, isHeld, type ReceivedFrame } from './frame-receiver';
import { RateMeter } from './rate-meter';
import type { TransferContext, TransferLink } from './transfer-link';
import {
  FINISHED_PHASES,
  RESUMABLE_RECEIVER_ERRORS,
  RESUMABLE_SENDER_ERRORS,
  errorCodeOf,
  transferErrorFromHostCode,
  transferKey,
  type ReceiveSink,
  NOT_ENDED,
  endedOutcome,
  type TransferFileView,
  type TransferOutcome,
  type TransferPhase,
  type TransferView,
} from './transfer-types';

interface OpenFile {
  readonly fileId: string;
  /** Bytes handed to the sink (the next write's offset). */
  written: number;
  /** Bytes the sink has confirmed on disk. */
  confirmed: number;
}

/** Writes handed to the sink before waiting for the oldest. */
const MAX_WRITES_IN_FLIGHT = 8;

class ProtocolViolation extends Error {}

export class IncomingTransfer {
  readonly key: string;
  private phase: TransferPhase = 'awaiting-you';
  /** How it ended; a failed one that can go on from what is on disk says who has to fix it and retry. */
  private outcome: TransferOutcome = NOT_ENDED;
  private link: TransferLink | null = null;
  private slot = 0;
  private readonly files: TransferFileView[];
  private readonly open = new Map<number, OpenFile>();
  /** Writes handed to the sink and not yet confirmed, oldest first. */
  private readonly inflight: Promise<void>[] = [];
  private readonly digests = new Map<number, string>();
  private finishedCount = 0;
  private queue: Promise<void> = Promise.resolve();
  /** Bumped when the transfer is cancelled or fails: queued disk work of before is dropped. */
  private generation = 0;
  // Counters for the current accept (connection): frames received, bytes written, credit given.
  private received = 0;
  private written = 0;
  private credited = 0;
  private readonly meter = new RateMeter();

  constructor(
    private readonly context: TransferContext,
    private readonly sink: () => ReceiveSink | undefined,
    readonly id: string,
    readonly deviceId: string,
    readonly manifest: readonly ManifestFile[],
    readonly totalBytes: number,
    readonly createdAt: number,
  ) {
    this.key = transferKey('in', deviceId, id);
    this.files = manifest.map((file) => ({ path: file.path, size: file.size, done: 0, state: 'waiting' }));
  }

  get isFinished(): boolean {
    return FINISHED_PHASES.has(this.phase);
  }

  get isAwaitingAnswer(): boolean {
    return this.phase === 'awaiting-you';
  }

  get currentSlot(): number {
    return this.slot;
  }

  /** Whether this person accepted it and it is not over (or failed in a way that can go on). */
  get isAccepted(): boolean {
    return (
      this.phase === 'transferring' ||
      this.phase === 'paused' ||
      (this.phase === 'failed' && this.outcome.resumableBy !== undefined)
    );
  }

  /**
   * Brought back from its record after a restart (transfer-records.ts): accepted before, so when
   * the sender offers it again it goes on from what is on disk without asking.
   */
  restoreAccepted(): void {
    if (this.phase === 'awaiting-you') this.phase = 'paused';
  }

  /** Its device was forgotten: dropped with what it kept on disk, nothing said to anyone. */
  forgotten(): void {
    this.generation++;
    this.link = null;
    this.discard();
  }

  /** The offer arrived on this connection (first time, or again after a reconnect). */
  offered(link: TransferLink, slot: number): void {
    this.link = link;
    this.slot = slot;
    switch (this.phase) {
      case 'paused':
        // Accepted before the connection dropped: carry on without asking again.
        this.accept();
        return;
      case 'done':
        link.session.send({ type: 'transfer:complete', transferId: this.id });
        return;
      case 'declined':
        link.session.send(this.declineMessage());
        return;
      case 'failed':
        // The sender fixed what stopped it and offers again: go on from what is on disk.
        if (this.outcome.resumableBy === 'peer') return this.resume();
        // Offered again after a reconnect while the problem here waits for Retry: nothing to say yet.
        if (this.outcome.resumableBy === 'you') return;
        link.session.send({ type: 'transfer:cancel', transferId: this.id, by: 'receiver', reason: 'user' });
        return;
      case 'cancelled':
        link.session.send({ type: 'transfer:cancel', transferId: this.id, by: 'receiver', reason: 'user' });
        return;
      default:
        return;
    }
  }

  accept(): void {
    if (this.phase !== 'awaiting-you' && this.phase !== 'paused') return;
    const link = this.link;
    const sink = this.sink();
    if (!link) {
      // Accepted while the sender is away: it starts when the sender offers it again.
      this.setPhase('paused');
      return;
    }
    if (!sink) {
      this.fail('WRITE_FAILED');
      return;
    }
    this.setPhase('transferring');
    // Queued after whatever disk work the last connection left, so the status includes it.
    this.enqueue(this.generation, async () => {
      const status = await sink.status({ senderId: this.deviceId, transferId: this.id });
      if (this.link !== link || this.phase !== 'transferring') return;
      // Counters of this connection start now, not at accept(): writes still queued from the last
      // connection must not count toward the credit the sender gets on this one.
      this.received = 0;
      this.written = 0;
      this.credited = 0;
      this.meter.reset();
      const completedBelow = Math.min(status.completedBelow, this.files.length);
      for (let index = 0; index < completedBelow; index++) this.markDone(index);
      for (const { index, offset } of status.offsets) {
        const file = this.files[index];
        if (file && index >= completedBelow)
          this.files[index] = { ...file, done: Math.min(offset, file.size) };
      }
      this.finishedCount = this.files.filter((file) => file.state === 'done').length;
      this.meter.sample(this.context.now(), this.doneBytes());
      link.session.send({
        type: 'transfer:accept',
        transferId: this.id,
        completedBelow,
        offsets: status.offsets.filter((entry) => entry.index >= completedBelow),
      });
      this.context.changed(this.key, true);
    });
  }

  /**
   * This person fixed what stopped it here (freed space, allowed the folder) and retries: accepted
   * again, it continues from the bytes kept on disk (the sender learns the offsets from the accept).
   * Without a connection it waits, and goes on when the sender offers it again.
   */
  retry(): boolean {
    if (this.phase !== 'failed' || this.outcome.resumableBy !== 'you') return false;
    this.resume();
    return true;
  }

  private resume(): void {
    this.outcome = NOT_ENDED;
    // No file is marked failed here: only a digest mismatch marks one, and that cannot resume.
    this.phase = 'paused';
    this.accept();
  }

  /**
   * Declined before anyone is asked: the files are more than this device can take (`limitBytes`,
   * the sink's limit). Returns the message to tell the sender, which names the limit.
   */
  declineTooLarge(limitBytes: number): OutgoingPeerMessage | null {
    if (this.phase !== 'awaiting-you') return null;
    this.end('declined', 'you', undefined, null, limitBytes);
    return this.declineMessage();
  }

  private declineMessage(): OutgoingPeerMessage {
    const limitBytes = this.outcome.limitBytes;
    return limitBytes === undefined
      ? { type: 'transfer:decline', transferId: this.id }
      : { type: 'transfer:decline', transferId: this.id, reason: 'too-large', limitBytes };
  }

  /** This person declines; returns the message to tell the sender. */
  decline(): OutgoingPeerMessage | null {
    if (this.phase !== 'awaiting-you') return null;
    this.end('declined', 'you');
    return { type: 'transfer:decline', transferId: this.id };
  }

  /** This person cancels; returns the message to tell the sender. */
  cancel(): OutgoingPeerMessage | null {
    // A failed transfer that could resume can still be given up, which drops what was kept.
    if (this.isFinished && this.outcome.resumableBy === undefined) return null;
    const wasOffer = this.phase === 'awaiting-you';
    this.end('cancelled', 'you');
    this.discard();
    return wasOffer
      ? { type: 'transfer:decline', transferId: this.id }
      : { type: 'transfer:cancel', transferId: this.id, by: 'receiver', reason: 'user' };
  }

  peerCancelled(): void {
    if (this.isFinished && this.outcome.resumableBy === undefined) return;
    this.end('cancelled', 'peer');
    this.discard();
  }

  /** The sender could not go on (its file became unreadable): keep what arrived, for a retry. */
  peerFailed(code: TransferErrorCode): void {
    if (this.isFinished) return;
    const resumable = RESUMABLE_SENDER_ERRORS.has(code);
    this.end('failed', 'peer', code, resumable ? 'peer' : null);
    // What can never go on (the sender's file changed) is not kept either.
    if (resumable) this.closeFiles(true);
    else this.discard();
  }

  linkDown(): void {
    this.link = null;
    this.slot = 0;
    if (this.phase === 'transferring') {
      this.setPhase('paused');
      // Bytes already queued are good: let them reach the disk, then close the files for resume.
      this.closeFiles(true, this.generation);
    }
  }

  /**
   * A frame of this transfer arrived. Returns when the transfer is done with its payload (written
   * or dropped; the write itself may still be in flight), or undefined if it was dropped at once.
   */
  frame(frame: ReceivedFrame): Promise<void> | undefined {
    if (this.phase !== 'transferring') return undefined;
    this.received += frame.payload.byteLength;
    // A sender that ignores credit would make us queue without bound.
    if (this.received - this.credited > TRANSFER_CREDIT_WINDOW_BYTES + TRANSFER_CHUNK_BYTES) {
      this.fail('PROTOCOL_ERROR');
      return undefined;
    }
    const link = this.link;
    return this.enqueue(this.generation, async () => {
      const file = this.manifest[frame.fileIndex];
      if (!file || this.files[frame.fileIndex]?.state === 'done') throw new ProtocolViolation();
      const entry = await this.ensureOpen(frame.fileIndex);
      const frameBytes = frame.payload.byteLength;
      // The disk may already hold the start of this frame: a write still in flight from before a
      // reconnect or reload lands after the offsets were reported. Those bytes are the same (the
      // digest checks it at the end), so only the rest is written. A gap can never be filled.
      const overlap = entry.written - frame.offset;
      if (overlap < 0 || frame.offset + frameBytes > file.size) throw new ProtocolViolation();
      const sink = this.sink();
      if (!sink) throw new ProtocolViolation();
      if (overlap < frameBytes) {
        // Measured before the write: a sink may take the buffer over (OPFS transfers it to a worker).
        const fresh = bytesFrom(frame.payload, overlap);
        const at = entry.written;
        entry.written += fresh.byteLength;
        // Several writes stay in flight (the sink runs them in order): waiting for each one's round
        // trip to the worker or the main process before the next capped throughput well below the
        // network's. Progress and credit follow the confirmed writes only.
        const written = isHeld(fresh)
          ? (sink.heldFrames?.write(entry.fileId, at, fresh) ?? Promise.reject(new ProtocolViolation()))
          : sink.write(entry.fileId, at, fresh);
        const write = written.then(() => {
          entry.confirmed = at + fresh.byteLength;
          this.written += frameBytes;
          this.confirmedProgress(frame.fileIndex, entry, link);
        });
        write.catch(() => undefined); // surfaces where it is awaited, below or in drainWrites
        this.inflight.push(write);
        if (this.inflight.length > MAX_WRITES_IN_FLIGHT) await this.inflight.shift();
      } else {
        // Credit counts every byte of this connection's frames that is on disk, skipped ones too.
        this.written += frameBytes;
        this.confirmedProgress(frame.fileIndex, entry, link);
      }
      const digest = this.digests.get(frame.fileIndex);
      if (entry.written === file.size && digest) await this.finishFile(frame.fileIndex, entry, digest);
    });
  }

  /** A write reached the disk: progress, speed, and credit for the sender. */
  private confirmedProgress(index: number, entry: OpenFile, link: TransferLink | null): void {
    const view = this.files[index];
    if (view && view.state !== 'done')
      this.files[index] = { ...view, done: entry.confirmed, state: 'active' };
    this.sendCredit(link, entry.confirmed === view?.size);
    this.meter.sample(this.context.now(), this.doneBytes());
    this.context.changed(this.key, false);
  }

  /** Waits for every write in flight; the first failure is thrown. */
  private async drainWrites(): Promise<void> {
    const writes = this.inflight.splice(0);
    for (const write of writes) await write;
  }

  fileComplete(index: number, digest: string): void {
    if (this.phase !== 'transferring') return;
    this.enqueue(this.generation, async () => {
      const file = this.manifest[index];
      if (!file || this.files[index]?.state === 'done') throw new ProtocolViolation();
      this.digests.set(index, digest);
      // Zero-byte files, and files whose every byte was on disk before this connection, get no frames.
      const entry = await this.ensureOpen(index);
      if (entry.written === file.size) await this.finishFile(index, entry, digest);
    });
  }

  view(): TransferView {
    const reading = this.phase === 'transferring' ? this.meter.read(this.totalBytes) : null;
    return {
      key: this.key,
      id: this.id,
      deviceId: this.deviceId,
      direction: 'in',
      phase: this.phase,
      files: [...this.files],
      totalBytes: this.totalBytes,
      doneBytes: this.doneBytes(),
      bytesPerSecond: reading?.bytesPerSecond ?? 0,
      secondsLeft: reading?.secondsLeft ?? null,
      createdAt: this.createdAt,
      ...this.outcome,
    };
  }

  private doneBytes(): number {
    return this.files.reduce((sum, file) => sum + file.done, 0);
  }

  private async ensureOpen(index: number): Promise<OpenFile> {
    const known = this.open.get(index);
    if (known) return known;
    const file = this.manifest[index];
    const sink = this.sink();
    if (!file || !sink) throw new ProtocolViolation();
    const opened = await sink.begin({
      senderId: this.deviceId,
      transferId: this.id,
      index,
      path: file.path,
      size: file.size,
    });
    const entry: OpenFile = { fileId: opened.fileId, written: opened.offset, confirmed: opened.offset };
    this.open.set(index, entry);
    const view = this.files[index];
    if (view) this.files[index] = { ...view, done: opened.offset, savedName: opened.name };
    return entry;
  }

  private async finishFile(index: number, entry: OpenFile, digest: string): Promise<void> {
    const sink = this.sink();
    if (!sink) throw new ProtocolViolation();
    await this.drainWrites();
    this.open.delete(index);
    let saved;
    try {
      saved = await sink.finish(entry.fileId, digest);
    } catch (error) {
      if (errorCodeOf(error) === 'DIGEST_MISMATCH') throw new FileFailure('DIGEST_MISMATCH', index);
      throw error;
    }
    const view = this.files[index];
    if (view) {
      this.files[index] = {
        ...view,
        done: view.size,
        state: 'done',
        savedName: saved.name,
        location: saved.location,
      };
    }
    this.finishedCount++;
    this.sendCredit(this.link, true);
    if (this.finishedCount === this.files.length) {
      this.link?.session.send({ type: 'transfer:complete', transferId: this.id });
      this.end('done');
      // Resume records are no longer needed once everything is saved.
      await sink.forget({ senderId: this.deviceId, transferId: this.id }, false).catch(() => undefined);
    } else {
      // Shown with the next progress report (at most 4 a second): a folder of thousands of small
      // files would otherwise redraw its card once per file.
      this.context.changed(this.key, false);
    }
  }

  private markDone(index: number): void {
    const view = this.files[index];
    if (view) this.files[index] = { ...view, done: view.size, state: 'done' };
  }

  private sendCredit(link: TransferLink | null, force: boolean): void {
    if (!link || link !== this.link) return;
    if (this.written === this.credited) return;
    if (!force && this.written - this.credited < TRANSFER_CREDIT_STEP_BYTES) return;
    this.credited = this.written;
    link.session.send({ type: 'transfer:credit', transferId: this.id, written: this.written });
  }

  /** Runs `work` after the disk work queued before; the returned promise never rejects. */
  private enqueue(generation: number, work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (generation !== this.generation) return;
      try {
        await work();
      } catch (error) {
        if (generation !== this.generation) return;
        if (error instanceof FileFailure) this.fail(error.code, error.index);
        else if (error instanceof ProtocolViolation) this.fail('PROTOCOL_ERROR');
        else this.fail(transferErrorFromHostCode(errorCodeOf(error), false));
      }
    });
    return this.queue;
  }

  /** Fails here and tells the sender; partial files stay for a later attempt. */
  private fail(code: TransferErrorCode, index?: number): void {
    if (this.isFinished) return;
    this.link?.session.send({
      type: 'transfer:error',
      transferId: this.id,
      by: 'receiver',
      code,
      ...(index !== undefined ? { index } : {}),
    });
    if (index !== undefined) {
      const view = this.files[index];
      if (view) this.files[index] = { ...view, state: 'failed' };
    }
    // What is on disk was not damaged: it waits for a Retry once the disk or folder is fixed.
    this.end('failed', 'you', code, RESUMABLE_RECEIVER_ERRORS.has(code) ? 'you' : null);
    this.closeFiles(true);
  }

  /** Closes open files; with a generation, after the disk work queued for it. */
  private closeFiles(keepPartial: boolean, generation?: number): void {
    const close = async () => {
      const sink = this.sink();
      await this.drainWrites().catch(() => undefined);
      const entries = [...this.open.values()];
      this.open.clear();
      for (const entry of entries) await sink?.abort(entry.fileId, keepPartial).catch(() => undefined);
    };
    if (generation === undefined) {
      this.queue = this.queue.then(close);
    } else {
      this.enqueue(generation, close);
    }
  }

  /** Cancelled: nothing of it is kept. */
  private discard(): void {
    this.closeFiles(false);
    this.queue = this.queue.then(async () => {
      await this.sink()
        ?.forget({ senderId: this.deviceId, transferId: this.id }, true)
        .catch(() => undefined);
    });
  }

  private end(
    phase: TransferPhase,
    by?: 'you' | 'peer',
    error?: TransferErrorCode,
    resumable: 'you' | 'peer' | null = null,
    limitBytes?: number,
  ): void {
    this.generation++;
    this.outcome = endedOutcome(this.context.now(), by, error, resumable, limitBytes);
    this.setPhase(phase);
  }

  private setPhase(phase: TransferPhase): void {
    this.phase = phase;
    this.context.changed(this.key, true);
  }
}

class FileFailure extends Error {
  constructor(
    readonly code: TransferErrorCode,
    readonly index: number,
  ) {
    super(code);
  }
}
