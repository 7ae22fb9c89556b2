/**
 * Sending one transfer: offer the manifest, then, once accepted, stream each file in index order as
 * binary frames, hashing as it reads, and send each file's digest after its last byte.
 *
 * Two limits keep memory and latency bounded: the bulk channel's send queue (BulkLink) and the
 * receiver's credit (CreditWindow). A dropped connection pauses the transfer; when the devices
 * are connected again it is offered again with `resume: true` and continues from the offsets the
 * receiver reports, re-hashing the bytes before them locally so the digest covers the whole file.
 */
import {
  MAX_CONTROL_FRAME_BYTES,
  encodePeerMessage,
  type OutgoingPeerMessage,
} from '../../../../contracts/peer-protocol';
import {
  TRANSFER_CHUNK_BYTES,
  TRANSFER_CREDIT_WINDOW_BYTES,
  TRANSFER_FRAME_HEADER_BYTES,
  TRANSFER_FRAME_MAX_BYTES,
  writeTransferFrameHeader,
  type ManifestFile,
  type TransferAcceptMessage,
  type TransferErrorCode,
} from '../../../../contracts/transfer';
import { BulkLinkClosedError } from './bulk-link';
import { CreditWindow } from './credit-window';
import { RateMeter } from './rate-meter';
import { DIGEST_ALIGNED_CHUNK_BYTES, hashWhileReading } from './file-digest';
import type { TransferContext, TransferLink } from './transfer-link';
import {
  FINISHED_PHASES,
  RESUMABLE_RECEIVER_ERRORS,
  RESUMABLE_SENDER_ERRORS,
  errorCodeOf,
  transferErrorFromHostCode,
  transferKey,
  type HashingReader,
  type OutgoingFiles,
  NOT_ENDED,
  endedOutcome,
  type TransferFileView,
  type TransferOutcome,
  type TransferPhase,
  type TransferView,
} from './transfer-types';

/** Manifest entries per control message stay well inside the control channel's frame limit. */
const MANIFEST_BUDGET_CHARS = MAX_CONTROL_FRAME_BYTES - 4096;
/**
 * Bytes per read: whole digest blocks (DIGEST_ALIGNED_CHUNK_BYTES), so that each read is hashed
 * where it lies, without a copy, and a read costs one call to the Blob API or the main process per
 * MiB rather than per frame (each call has a fixed cost, measured as large as the copy it makes).
 */
const READ_BYTES = DIGEST_ALIGNED_CHUNK_BYTES;
/** Reads in flight ahead of the one being sent, so the disk and the network overlap. */
const READ_AHEAD = 3;

/** How much to read at `offset`: up to the next read boundary, not past `end`. */
function readLength(offset: number, end: number): number {
  return Math.min(READ_BYTES - (offset % READ_BYTES), end - offset);
}

/** Why a send run stopped early: not an error to report, the caller already changed phase. */
class RunStopped extends Error {}

class ReadFailure extends Error {
  constructor(readonly code: TransferErrorCode) {
    super(code);
  }
}

interface SendRun {
  readonly link: TransferLink;
  readonly window: CreditWindow;
  readonly stop: AbortController;
  /** Per file sent in this run: its index, the offset it started at, and where its bytes begin in the run. */
  readonly layout: { readonly index: number; readonly start: number; readonly runOffset: number }[];
  /** Bytes confirmed before this run (completed files and resume offsets). */
  readonly base: number;
}

export class OutgoingTransfer {
  readonly key: string;
  private phase: TransferPhase = 'offered';
  private accepted = false;
  /** How it ended; a failed one that can go on from what the receiver kept says who has to fix it and retry. */
  private outcome: TransferOutcome = NOT_ENDED;
  private slot = 0;
  private run: SendRun | null = null;
  /** Where the last run got to, kept for the view after it stopped. */
  private lastRun: { readonly layout: SendRun['layout']; readonly acknowledged: number } | null = null;
  /** Bytes confirmed when no run is active (kept across a pause, for the progress bar). */
  private confirmed = 0;
  private completedBelow = 0;
  private readonly meter = new RateMeter();
  /**
   * Brought back from its record after a restart without its files (a browser's File objects do
   * not outlive the page; the desktop's are granted per pick): it waits for them to be picked again.
   */
  private detached = false;

  constructor(
    private readonly context: TransferContext,
    readonly id: string,
    readonly deviceId: string,
    private source: OutgoingFiles,
    readonly createdAt: number,
  ) {
    this.key = transferKey('out', deviceId, id);
  }

  get totalBytes(): number {
    return this.source.files.reduce((sum, file) => sum + file.size, 0);
  }

  get isFinished(): boolean {
    return FINISHED_PHASES.has(this.phase);
  }

  /** The files as offered (what its record keeps, and what files picked again must match). */
  get files(): OutgoingFiles['files'] {
    return this.source.files;
  }

  get wasAccepted(): boolean {
    return this.accepted;
  }

  /** Whether it can still go on (so its record is kept): not over, or failed in a way that can resume. */
  get canGoOn(): boolean {
    return !this.isFinished || this.outcome.resumableBy !== undefined;
  }

  /** Waiting for its files to be picked again after a restart. */
  get needsFiles(): boolean {
    return this.detached && !this.isFinished;
  }

  /**
   * Brought back from its record after a restart, without readable files: paused until they are
   * picked again (reattach); it can be cancelled meanwhile.
   */
  restoreDetached(accepted: boolean): void {
    this.detached = true;
    this.accepted = accepted;
    this.phase = 'paused';
  }

  /** The files were picked again (checked against the record by the caller): offered again next. */
  reattach(source: OutgoingFiles): void {
    if (!this.needsFiles) return;
    this.source = source;
    this.detached = false;
    this.setPhase('offered');
  }

  /** Its files are kept readable across a restart, where the host can (desktop: main keeps the paths). */
  keepFiles(): void {
    if (!this.detached) this.source.keep?.(this.key, this.deviceId);
  }

  /** Its device was forgotten: dropped, nothing said to anyone (the connection is gone). */
  forgotten(): void {
    this.stopRun();
    this.source.close?.();
  }

  /**
   * A file picked again is not the one offered (another size or modification time): it cannot go
   * on. Returns the message that tells the receiver, who drops what it kept.
   */
  sourceChanged(index: number): OutgoingPeerMessage | null {
    if (!this.needsFiles) return null;
    this.end('failed', 'you', 'FILE_CHANGED', null);
    return { type: 'transfer:error', transferId: this.id, by: 'sender', code: 'FILE_CHANGED', index };
  }

  /** Whether the next connection should offer it again. */
  get wantsLink(): boolean {
    // A failure the receiver can fix is offered again too, so its Retry has a transfer to accept.
    if (this.detached) return false;
    return (
      this.phase === 'offered' ||
      this.phase === 'paused' ||
      (this.phase === 'failed' && this.outcome.resumableBy === 'peer')
    );
  }

  /** The slot on the current connection, 0 when none. */
  get currentSlot(): number {
    return this.slot;
  }

  /** Offers (or, after a reconnect, offers again) on a live connection. */
  offer(link: TransferLink): boolean {
    this.slot = link.allocateSlot();
    const manifest: ManifestFile[] = this.source.files.map((file, index) => ({
      index,
      path: file.path,
      size: file.size,
    }));
    const batches = batchManifest(manifest);
    const [first, ...rest] = batches;
    if (!first) return false;
    const sent =
      link.session.send({
        type: 'transfer:offer',
        transferId: this.id,
        slot: this.slot,
        fileCount: manifest.length,
        totalBytes: this.totalBytes,
        files: first,
        resume: this.accepted,
      }) &&
      rest.every((files) => link.session.send({ type: 'transfer:offer-files', transferId: this.id, files }));
    if (this.phase === 'paused') this.setPhase('offered');
    return sent;
  }

  accept(link: TransferLink, message: TransferAcceptMessage): void {
    if (this.run) return;
    // The receiver fixed its side (freed space…) and accepted again, with what it kept on disk.
    if (this.phase === 'failed' && this.outcome.resumableBy === 'peer') this.outcome = NOT_ENDED;
    else if (this.phase !== 'offered') return;
    this.accepted = true;
    this.setPhase('transferring');
    void this.send(link, message);
  }

  /**
   * This person made the file readable again and retries: offered again (as a resume, so the
   * receiver goes on without asking) once the caller has a connection to offer it on.
   */
  retry(): boolean {
    if (this.phase !== 'failed' || this.outcome.resumableBy !== 'you') return false;
    this.outcome = NOT_ENDED;
    this.setPhase('offered');
    return true;
  }

  /** The receiver said no; with `limitBytes`, because the files are more than it can take. */
  declined(limitBytes?: number): void {
    if (this.phase === 'failed' && this.outcome.resumableBy === 'peer') {
      // Offered again after the receiver restarted, and it said no: it stays failed, for good.
      const { resumableBy: _given, ...final } = this.outcome;
      this.outcome = final;
      this.source.close?.();
      this.context.changed(this.key, true);
      return;
    }
    if (this.phase !== 'offered') return;
    this.end('declined', 'peer', undefined, null, limitBytes);
  }

  /** The receiver has every file verified. */
  completed(): void {
    if (this.isFinished) return;
    this.confirmed = this.totalBytes;
    this.completedBelow = this.source.files.length;
    this.end('done');
  }

  credit(written: number): boolean {
    const run = this.run;
    if (!run) return true;
    const ok = run.window.credit(written);
    if (ok) {
      this.meter.sample(this.context.now(), run.base + run.window.acknowledged);
      this.context.changed(this.key, false);
    }
    return ok;
  }

  /** The other side cancelled or failed it. */
  endedByPeer(outcome: 'cancelled' | 'failed', error?: TransferErrorCode): void {
    if (this.isFinished && this.outcome.resumableBy === undefined) return;
    const resumable = outcome === 'failed' && error !== undefined && RESUMABLE_RECEIVER_ERRORS.has(error);
    this.end(outcome, 'peer', error, resumable ? 'peer' : null);
  }

  /** This person cancels; returns the message to tell the other side. */
  cancel(): OutgoingPeerMessage | null {
    // A failed transfer that could resume can still be given up (the receiver drops what it kept).
    if (this.isFinished && this.outcome.resumableBy === undefined) return null;
    this.end('cancelled', 'you');
    return { type: 'transfer:cancel', transferId: this.id, by: 'sender', reason: 'user' };
  }

  /** The connection dropped: stop sending, keep the place. */
  linkDown(): void {
    this.slot = 0;
    if (this.isFinished) return;
    this.stopRun();
    this.meter.reset();
    this.setPhase(this.phase === 'offered' && !this.accepted ? 'offered' : 'paused');
  }

  view(): TransferView {
    const run = this.run;
    const confirmedNow = run ? run.base + run.window.acknowledged : this.confirmed;
    const reading = this.phase === 'transferring' ? this.meter.read(this.totalBytes) : null;
    return {
      key: this.key,
      id: this.id,
      deviceId: this.deviceId,
      direction: 'out',
      phase: this.phase,
      files: this.fileViews(run),
      totalBytes: this.totalBytes,
      doneBytes: Math.min(confirmedNow, this.totalBytes),
      bytesPerSecond: reading?.bytesPerSecond ?? 0,
      secondsLeft: reading?.secondsLeft ?? null,
      createdAt: this.createdAt,
      ...(this.needsFiles ? { needsFiles: true } : {}),
      ...this.outcome,
    };
  }

  private fileViews(run: SendRun | null): TransferFileView[] {
    // After a pause or a failure the last run still says how far each file got.
    const shown = run ?? this.lastRun;
    const acknowledged = run ? run.window.acknowledged : (this.lastRun?.acknowledged ?? 0);
    const entries = new Map(shown?.layout.map((entry) => [entry.index, entry]));
    const failedIndex = this.phase === 'failed' ? shown?.layout[shown.layout.length - 1]?.index : undefined;
    return this.source.files.map((file, index): TransferFileView => {
      const failed = index === failedIndex;
      if (this.phase === 'done' || index < this.completedBelow) {
        return { path: file.path, size: file.size, done: file.size, state: 'done' };
      }
      const entry = entries.get(index);
      const done = entry
        ? entry.start + Math.max(0, Math.min(file.size - entry.start, acknowledged - entry.runOffset))
        : 0;
      const state = failed
        ? 'failed'
        : done === file.size && entry
          ? 'done'
          : done > 0
            ? 'active'
            : 'waiting';
      return { path: file.path, size: file.size, done, state };
    });
  }

  private async send(link: TransferLink, accept: TransferAcceptMessage): Promise<void> {
    const files = this.source.files;
    const offsets = new Map(accept.offsets.map((entry) => [entry.index, entry.offset]));
    const completedBelow = Math.min(accept.completedBelow, files.length);
    this.completedBelow = completedBelow;
    let base = 0;
    for (let index = 0; index < files.length; index++) {
      const size = files[index]?.size ?? 0;
      if (index < completedBelow) base += size;
      else base += Math.min(offsets.get(index) ?? 0, size);
    }
    const run: SendRun = {
      link,
      window: new CreditWindow(TRANSFER_CREDIT_WINDOW_BYTES),
      stop: new AbortController(),
      layout: [],
      base,
    };
    this.run = run;
    this.meter.reset();
    this.meter.sample(this.context.now(), base);
    this.context.changed(this.key, true);
    let runOffset = 0;
    // Every frame of this run is built in this one buffer: RTCDataChannel.send copies what it is
    // given before it returns (Chromium queues its own copy), so the buffer is free again once
    // BulkLink.send resolves. A fresh 256 KiB buffer per frame cost an allocation, zero-filling
    // and garbage collection for every frame.
    const frame = new Uint8Array(TRANSFER_FRAME_MAX_BYTES);
    /** The reader of the file being sent. */
    let reader: HashingReader | undefined;
    try {
      for (let index = completedBelow; index < files.length; index++) {
        const file = files[index];
        if (!file) break;
        const start = offsets.get(index) ?? 0;
        if (start > file.size) throw new ReadFailure('PROTOCOL_ERROR');
        run.layout.push({ index, start, runOffset });
        reader?.close();
        reader =
          file.openHashingReader?.() ?? hashWhileReading((offset, length) => file.read(offset, length));
        const fileReader = reader;
        // Resume: the receiver has [0, start); read it here too, so the digest covers the whole file.
        for (let offset = 0; offset < start;) {
          const length = readLength(offset, start);
          await this.read(fileReader, offset, length, run);
          offset += length;
        }
        const reads: Promise<Uint8Array>[] = [];
        let nextRead = start;
        const fill = () => {
          while (reads.length < READ_AHEAD && nextRead < file.size) {
            const length = readLength(nextRead, file.size);
            const read = this.read(fileReader, nextRead, length, run);
            // Handled when awaited below; a read left behind by a stop must not surface as unhandled.
            read.catch(() => undefined);
            reads.push(read);
            nextRead += length;
          }
        };
        // File bytes gather in `frame` after its header; it goes out whenever it is full, and at
        // the end of the file. Reads and frames do not line up (a frame holds 16 bytes less than
        // 256 KiB), so a frame may take the end of one read and the start of the next.
        let framed = 0;
        let frameOffset = start;
        const flush = async () => {
          writeTransferFrameHeader(frame, { slot: this.slot, fileIndex: index, offset: frameOffset });
          await run.window.reserve(framed);
          this.checkRunning(run);
          await link.bulk.send(frame.subarray(0, TRANSFER_FRAME_HEADER_BYTES + framed));
          run.window.sentBytes(framed);
          frameOffset += framed;
          runOffset += framed;
          framed = 0;
        };
        for (let offset = start; offset < file.size;) {
          fill();
          const chunk = await reads.shift();
          if (!chunk) throw new ReadFailure('READ_FAILED');
          this.checkRunning(run);
          for (let taken = 0; taken < chunk.byteLength;) {
            const take = Math.min(TRANSFER_CHUNK_BYTES - framed, chunk.byteLength - taken);
            frame.set(chunk.subarray(taken, taken + take), TRANSFER_FRAME_HEADER_BYTES + framed);
            framed += take;
            taken += take;
            if (framed === TRANSFER_CHUNK_BYTES) await flush();
          }
          offset += chunk.byteLength;
        }
        if (framed > 0) await flush();
        const digest = await fileReader.digestHex();
        this.checkRunning(run);
        link.session.send({ type: 'transfer:file-complete', transferId: this.id, index, digest });
      }
      // Now the receiver verifies and answers transfer:complete (or an error).
    } catch (error) {
      if (this.run !== run) return; // stopped: cancelled, failed or paused meanwhile
      if (error instanceof RunStopped || error instanceof BulkLinkClosedError) return; // the link is going down
      // A cut never becomes a failure. The bulk connection can be gone before anyone reports it
      // (RTCPeerConnection.close() fires no close event; the other device's relink says so a
      // second or more later, much more on a loaded machine), and whatever this run was waiting
      // for then (a read in the reading worker, on a busy machine the usual wait) may come back
      // refused. Failing would end a transfer that the relink is about to resume; the link's
      // loss, once reported, pauses it (linkDown) and the next link resumes it.
      if (!link.bulk.isOpen) return;
      const code = error instanceof ReadFailure ? error.code : 'READ_FAILED';
      const index = run.layout[run.layout.length - 1]?.index;
      link.session.send({
        type: 'transfer:error',
        transferId: this.id,
        by: 'sender',
        code,
        ...(index !== undefined ? { index } : {}),
      });
      this.end('failed', 'you', code, RESUMABLE_SENDER_ERRORS.has(code) ? 'you' : null);
    } finally {
      reader?.close();
    }
  }

  private async read(
    reader: HashingReader,
    offset: number,
    length: number,
    run: SendRun,
  ): Promise<Uint8Array> {
    this.checkRunning(run);
    let bytes: Uint8Array;
    try {
      bytes = await reader.read(offset, length);
    } catch (error) {
      throw new ReadFailure(transferErrorFromHostCode(errorCodeOf(error), true));
    }
    // A file that changed size since it was listed would not match the manifest or the digest.
    if (bytes.byteLength !== length) throw new ReadFailure('FILE_CHANGED');
    return bytes;
  }

  private checkRunning(run: SendRun): void {
    if (this.run !== run || run.stop.signal.aborted) throw new RunStopped();
  }

  private stopRun(): void {
    const run = this.run;
    if (!run) return;
    this.confirmed = run.base + run.window.acknowledged;
    this.lastRun = { layout: run.layout, acknowledged: run.window.acknowledged };
    this.run = null;
    run.stop.abort();
    run.window.close(new RunStopped());
  }

  private end(
    phase: TransferPhase,
    by?: 'you' | 'peer',
    error?: TransferErrorCode,
    resumable: 'you' | 'peer' | null = null,
    limitBytes?: number,
  ): void {
    this.stopRun();
    this.outcome = endedOutcome(this.context.now(), by, error, resumable, limitBytes);
    this.setPhase(phase);
    // A transfer that may resume keeps its files readable until it resumes or is given up.
    if (resumable === null) this.source.close?.();
  }

  private setPhase(phase: TransferPhase): void {
    this.phase = phase;
    this.context.changed(this.key, true);
  }
}

/** Splits a manifest into lists that each fit one control message. */
export function batchManifest(files: readonly ManifestFile[]): ManifestFile[][] {
  const batches: ManifestFile[][] = [];
  let batch: ManifestFile[] = [];
  let chars = 0;
  for (const file of files) {
    // Measured as the control channel measures it (UTF-16 length of the JSON text).
    const size = encodePeerMessage({ type: 'transfer:offer-files', transferId: 'x', files: [file] }).length;
    if (batch.length > 0 && chars + size > MANIFEST_BUDGET_CHARS) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(file);
    chars += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
