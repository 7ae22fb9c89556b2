/**
 * What the transfer engine needs from around it (files to read, a place to write) and what it
 * reports (a view of each transfer for the UI). No React, no DOM beyond WebRTC.
 */
import type {
  ReceiveBegin,
  ReceiveKey,
  ReceiveOpened,
  ReceiveSaved,
  ReceiveStatus,
} from '../../../../contracts/file-ipc';
import type { TransferErrorCode } from '../../../../contracts/transfer';
import type { HeldFrameStore } from './frame-receiver';

/** One file to send: where it goes in the manifest, and how to read it in chunks. */
export interface OutgoingFile {
  /** Relative, '/'-separated; a folder's files share its name as the first segment. */
  readonly path: string;
  readonly size: number;
  /**
   * When the file was last modified (ms since the epoch), where the host knows it: kept in the
   * transfer's record, so that a file picked again after a restart can be told from a changed one.
   */
  readonly modifiedAt?: number;
  /** Reads `length` bytes at `offset`; rejects if the file can no longer be read as listed. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Where the host can: a reader that hashes the file where it reads it (the browser's reading
   * worker), so the page does not. Without it the engine hashes what `read` returns.
   */
  openHashingReader?(): HashingReader;
}

/** Reads one file in order from its start, and computes its file digest (FileDigest) from what it read. */
export interface HashingReader {
  /** `length` bytes at `offset`, which is where the previous read ended (0 first). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** The digest of everything read; once, after the last read. */
  digestHex(): Promise<string>;
  /** Lets go of what the reader keeps (also when a run stops before the end). */
  close(): void;
}

/** Files picked or dropped together: one transfer. */
export interface OutgoingFiles {
  readonly files: readonly OutgoingFile[];
  /** Releases what reading needed (main-process file handles); called once the transfer ends. */
  close?(): void;
  /**
   * Desktop, files read in main: asks main to keep them readable for this transfer across a
   * restart of the app (KeptSources). Absent in a browser, whose File objects end with the page.
   */
  keep?(key: string, deviceId: string): void;
}

/**
 * The desktop's kept sources (main's kept-sources.ts): after a restart, the files of an unfinished
 * outgoing transfer opened again by main without a new pick, if unchanged.
 */
export interface KeptSources {
  /** `changed`: a file is not the one offered (FILE_CHANGED); `none`: nothing kept, or a file is gone. */
  reopen(
    key: string,
  ): Promise<
    | { readonly kind: 'opened'; readonly source: OutgoingFiles }
    | { readonly kind: 'changed'; readonly path: string }
    | { readonly kind: 'none' }
  >;
  /** The transfer ended, was cancelled, or its device forgotten. */
  drop(which: { readonly key: string } | { readonly deviceId: string }): void;
}

/**
 * Where received files are written, provided by the host (main-process file services in the
 * desktop app, OPFS in a browser). Each call rejects with a `HostError`-like `{ code }` on failure:
 * DISK_FULL, PERMISSION_DENIED, DIGEST_MISMATCH, …
 */
export interface ReceiveSink {
  status(key: ReceiveKey): Promise<ReceiveStatus>;
  begin(request: ReceiveBegin): Promise<ReceiveOpened>;
  write(fileId: string, offset: number, bytes: Uint8Array): Promise<void>;
  finish(fileId: string, digest: string): Promise<ReceiveSaved>;
  abort(fileId: string, keepPartial: boolean): Promise<void>;
  forget(key: ReceiveKey, discardPartials: boolean): Promise<void>;
  /** Present where the sink receives bulk frames itself, where it writes them (frame-receiver.ts). */
  readonly heldFrames?: HeldFrameStore;
  /**
   * The largest transfer (all its files together) this sink can take, where it has a limit (the
   * browser client without a private file system keeps files in blob storage). A larger offer is
   * declined before anyone is asked, and the sender is told the limit.
   */
  readonly limitBytes?: number;
}

export type TransferDirection = 'out' | 'in';

export type TransferPhase =
  /** Outgoing: offered, waiting for the other person to accept. */
  | 'offered'
  /** Incoming: waiting for this person to accept or decline. */
  | 'awaiting-you'
  | 'transferring'
  /** The connection dropped; it resumes when the devices are connected again. */
  | 'paused'
  | 'done'
  | 'declined'
  | 'cancelled'
  | 'failed';

export const FINISHED_PHASES: ReadonlySet<TransferPhase> = new Set([
  'done',
  'declined',
  'cancelled',
  'failed',
]);

export interface TransferFileView {
  readonly path: string;
  readonly size: number;
  /** Bytes confirmed on the receiver's disk (sent and acknowledged, or written here). */
  readonly done: number;
  readonly state: 'waiting' | 'active' | 'done' | 'failed';
  /** Incoming, once saved: the name it got (sanitized, maybe `name (1).ext`), relative to the receive folder. */
  readonly savedName?: string;
  /** Incoming, once saved: where it is, for open / show in folder (host-specific). */
  readonly location?: string;
}

export interface TransferView {
  /** Unique per device and direction: `${direction}:${deviceId}:${id}`. */
  readonly key: string;
  readonly id: string;
  readonly deviceId: string;
  readonly direction: TransferDirection;
  readonly phase: TransferPhase;
  readonly files: readonly TransferFileView[];
  readonly totalBytes: number;
  readonly doneBytes: number;
  readonly bytesPerSecond: number;
  readonly secondsLeft: number | null;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  /** Who cancelled or declined. */
  readonly endedBy?: 'you' | 'peer';
  readonly error?: TransferErrorCode;
  /**
   * A failed transfer that can go on from what is on disk once the problem is fixed, and on whose
   * side that is: `you` can press Retry, `peer` will when it has fixed its side.
   */
  readonly resumableBy?: 'you' | 'peer';
  /** Declined before anyone was asked, as larger than the receiver can take: that limit, in bytes. */
  readonly limitBytes?: number;
  /**
   * Outgoing, after a restart of this side: its files must be picked again before it can go on
   * (the receiver keeps what it has; nothing is sent again that is already there).
   */
  readonly needsFiles?: true;
}

/** How a transfer ended, as its view shows it; `finishedAt: null` while it has not. */
export type TransferOutcome = Pick<
  TransferView,
  'finishedAt' | 'endedBy' | 'error' | 'resumableBy' | 'limitBytes'
>;

/** Not ended (yet, or again after a retry or resume). */
export const NOT_ENDED: TransferOutcome = { finishedAt: null };

export function endedOutcome(
  finishedAt: number,
  by: 'you' | 'peer' | undefined,
  error: TransferErrorCode | undefined,
  resumableBy: 'you' | 'peer' | null,
  limitBytes?: number,
): TransferOutcome {
  return {
    finishedAt,
    ...(by ? { endedBy: by } : {}),
    ...(error ? { error } : {}),
    ...(resumableBy ? { resumableBy } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
  };
}

/**
 * Failures the side that hit them can fix (free space, allow the folder, make a file readable
 * again), after which the transfer continues from the bytes on the receiver's disk: the receiver's
 * write errors and the sender's read errors. A damaged file or a broken protocol is not among them.
 */
export const RESUMABLE_RECEIVER_ERRORS: ReadonlySet<TransferErrorCode> = new Set([
  'DISK_FULL',
  'PERMISSION_DENIED',
  'WRITE_FAILED',
]);
export const RESUMABLE_SENDER_ERRORS: ReadonlySet<TransferErrorCode> = new Set([
  'READ_FAILED',
  'PERMISSION_DENIED',
]);

export interface TransferActions {
  /** A transfer appeared or changed; called at most a few times a second per transfer while bytes flow. */
  transferChanged(view: TransferView): void;
}

export function transferKey(direction: TransferDirection, deviceId: string, id: string): string {
  return `${direction}:${deviceId}:${id}`;
}

/** Host error codes → what the other side is told. */
export function transferErrorFromHostCode(code: string, reading: boolean): TransferErrorCode {
  switch (code) {
    case 'DISK_FULL':
    case 'PERMISSION_DENIED':
    case 'DIGEST_MISMATCH':
      return code;
    default:
      return reading ? 'READ_FAILED' : 'WRITE_FAILED';
  }
}

export function errorCodeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : 'INTERNAL';
}
