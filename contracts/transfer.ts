/**
 * File transfer between two Ferry peers: control messages (JSON on the control channel, part of
 * `peerMessageSchema`) and the binary frames of the bulk channel.
 *
 * A transfer, from the sender's side:
 *   offer (+ offer-files while the manifest does not fit one control frame)
 *   → accept (with what the receiver already has on disk) | decline
 *   → frames on the bulk channel, file by file in index order; after each file's last byte,
 *     file-complete with the file's digest (see FILE_DIGEST_BLOCK_BYTES)
 *   → the receiver verifies each file, acknowledges written bytes with credit, and ends with
 *     complete. Either side may send cancel or error at any time; both end the transfer.
 * After a reconnect the sender offers an unfinished transfer again (`resume: true`, same
 * transferId) and the receiver's accept says how far each file got.
 *
 * Frames and control messages travel on different SCTP streams (normally of different
 * connections, see `transfer:signal`), so they are not ordered with respect to each other: a
 * file-complete may overtake the file's last frames, and the receiver finishes a file only when
 * it has both every byte and the digest.
 */
import { z } from 'zod';
import { err, ok, type Result } from './result';

/** Chromium's RTCSctpTransport.maxMessageSize: one byte more and `send` throws. */
export const TRANSFER_FRAME_MAX_BYTES = 262_144;
/** version(1) reserved(1) slot(2) file index(4) offset(8), big-endian. */
export const TRANSFER_FRAME_HEADER_BYTES = 16;
/** File bytes per frame: the largest chunk that keeps a whole frame within maxMessageSize. */
export const TRANSFER_CHUNK_BYTES = TRANSFER_FRAME_MAX_BYTES - TRANSFER_FRAME_HEADER_BYTES;
export const TRANSFER_FRAME_VERSION = 1;

export const MAX_FILES_PER_TRANSFER = 100_000;
/** UTF-16 code units of one relative path as the sender sends it (sanitized by the receiver). */
export const MAX_TRANSFER_PATH_LENGTH = 4096;
/** How many per-file resume offsets an accept may carry; completed files are a prefix instead. */
export const MAX_RESUME_OFFSETS = 1024;

/**
 * How far a sender may run ahead of the receiver's disk: bytes sent beyond the receiver's last
 * credit. It bounds what the receiver holds in memory (socket buffers plus its write queue); a
 * receiver may treat a sender that exceeds it as a protocol error. 16 MiB keeps a loopback or LAN
 * link busy while the credit round trip is in flight.
 */
export const TRANSFER_CREDIT_WINDOW_BYTES = 16 * 1024 * 1024;
/** The receiver sends a credit after at least this many newly written bytes (and at each file end). */
export const TRANSFER_CREDIT_STEP_BYTES = 1024 * 1024;

/**
 * The digest of a file, as both sides compute it while reading and writing: the SHA-256 of the
 * concatenated SHA-256 digests of its consecutive 256 KiB blocks (the last block may be shorter; an
 * empty file has no blocks, so its digest is the SHA-256 of nothing).
 *
 * Why blocks and not one SHA-256 over the file: browsers can only hash a whole buffer natively
 * (WebCrypto has no streaming digest), and SHA-256 in JavaScript is about ten times slower than
 * the native one: on a busy two-core machine that alone cost a third of the throughput. Per-block
 * native digests keep integrity at SHA-256 strength and cost next to nothing. Main and the renderer
 * compute it the same way (electron/main/services/files/file-digest.ts, engine/transfer/file-digest.ts).
 *
 * Why 256 KiB: WebCrypto copies what it hashes, and per byte that costs twice as much from about
 * 1 MiB up (most likely because Chromium's allocator gives buffers that large a memory mapping of
 * their own, mapped and unmapped on every call). Measured in Chromium 156: 0.54 ms
 * per MiB hashed in blocks of 64–512 KiB (SHA-NI speed), 0.93–1.19 ms per MiB in blocks of 960 KiB
 * or 1 MiB (docs/transfer-performance.md).
 */
export const FILE_DIGEST_BLOCK_BYTES = 256 * 1024;

/** Random id the sender gives a transfer; with the sender's device id it keys resume on disk. */
export const transferIdSchema = z.string().regex(/^[0-9A-Za-z_-]{8,64}$/);
/** Small number naming the transfer in the bulk frames of the current connection. */
export const transferSlotSchema = z.number().int().min(1).max(0xffff);
const byteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const fileIndex = z
  .number()
  .int()
  .nonnegative()
  .max(MAX_FILES_PER_TRANSFER - 1);
/** A file digest (see FILE_DIGEST_BLOCK_BYTES) as lowercase hex. */
export const fileDigestSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** Who ended or failed a transfer; lets the other side tell its incoming from its outgoing transfers. */
export const transferRoleSchema = z.enum(['sender', 'receiver']);
export type TransferRole = z.infer<typeof transferRoleSchema>;

export const TRANSFER_ERROR_CODES = [
  'DISK_FULL',
  'PERMISSION_DENIED',
  'DIGEST_MISMATCH',
  /** The sender could not read one of its files (moved, deleted, unreadable). */
  'READ_FAILED',
  /** A file changed size while it was being sent. */
  'FILE_CHANGED',
  /** The receiver could not write for another reason. */
  'WRITE_FAILED',
  /** The other side broke the protocol (a frame out of place, a bad manifest). */
  'PROTOCOL_ERROR',
] as const;
export const transferErrorCodeSchema = z.enum(TRANSFER_ERROR_CODES);
export type TransferErrorCode = z.infer<typeof transferErrorCodeSchema>;

export const TRANSFER_CANCEL_REASONS = ['user', 'shutdown'] as const;
export const transferCancelReasonSchema = z.enum(TRANSFER_CANCEL_REASONS);
export type TransferCancelReason = z.infer<typeof transferCancelReasonSchema>;

/** One file of the manifest. */
export const manifestFileSchema = z.object({
  /** Position in the transfer, 0-based; files are sent in this order. */
  index: fileIndex,
  /** Relative, '/'-separated, as on the sender (e.g. "Photos/2024/a.jpg"); untrusted on receipt. */
  path: z.string().min(1).max(MAX_TRANSFER_PATH_LENGTH),
  size: byteCount,
});
export type ManifestFile = z.infer<typeof manifestFileSchema>;

/** PEER_PROTOCOL_VERSION: peer-protocol.ts imports this file, so the literal is repeated here (a test ties them). */
const version = z.literal(1);

export const transferOfferMessageSchema = z.object({
  v: version,
  type: z.literal('transfer:offer'),
  transferId: transferIdSchema,
  /** Names this transfer in bulk frames on this connection. */
  slot: transferSlotSchema,
  /** Files in the whole manifest; those not in `files` follow in `transfer:offer-files`. */
  fileCount: z.number().int().min(1).max(MAX_FILES_PER_TRANSFER),
  totalBytes: byteCount,
  /** The first files of the manifest, in index order from 0. */
  files: z.array(manifestFileSchema).min(1),
  /** Offered again after a reconnect: the receiver accepted it before. */
  resume: z.boolean(),
});

/** The rest of a manifest too long for one control frame, in index order. */
export const transferOfferFilesMessageSchema = z.object({
  v: version,
  type: z.literal('transfer:offer-files'),
  transferId: transferIdSchema,
  files: z.array(manifestFileSchema).min(1),
});

export const resumeOffsetSchema = z.object({ index: fileIndex, offset: byteCount });
export type ResumeOffset = z.infer<typeof resumeOffsetSchema>;

export const transferAcceptMessageSchema = z.object({
  v: version,
  type: z.literal('transfer:accept'),
  transferId: transferIdSchema,
  /** Files with a lower index are saved and verified already: the sender skips them. */
  completedBelow: z.number().int().nonnegative().max(MAX_FILES_PER_TRANSFER),
  /**
   * Bytes already on disk for files at or after `completedBelow` (absent: 0). An offset equal to
   * the file's size means "every byte is here": the sender sends only the digest.
   */
  offsets: z.array(resumeOffsetSchema).max(MAX_RESUME_OFFSETS),
});

export const TRANSFER_DECLINE_REASONS = [
  /**
   * The offer is larger than the receiver can take (`limitBytes`): a browser page that is not a
   * secure context keeps received files in blob storage, with a limit (docs/insecure-browser.md).
   * Declined before the person is asked.
   */
  'too-large',
] as const;
export const transferDeclineReasonSchema = z.enum(TRANSFER_DECLINE_REASONS);
export type TransferDeclineReason = z.infer<typeof transferDeclineReasonSchema>;

export const transferDeclineMessageSchema = z.object({
  v: version,
  type: z.literal('transfer:decline'),
  transferId: transferIdSchema,
  /** Absent: the person declined. Optional fields, so an older peer reads it as a plain decline. */
  reason: transferDeclineReasonSchema.optional(),
  /** With `too-large`: the largest transfer the receiver can take, in bytes. */
  limitBytes: byteCount.optional(),
});

export const transferCancelMessageSchema = z.object({
  v: version,
  type: z.literal('transfer:cancel'),
  transferId: transferIdSchema,
  by: transferRoleSchema,
  reason: transferCancelReasonSchema,
});

export const transferFileCompleteMessageSchema = z.object({
  v: version,
  type: z.literal('transfer:file-complete'),
  transferId: transferIdSchema,
  index: fileIndex,
  /** The file's digest (FILE_DIGEST_BLOCK_BYTES) over the bytes as the sender read them. */
  digest: fileDigestSchema,
});

/** The receiver has every file saved and verified. */
export const transferCompleteMessageSchema = z.object({
  v: version,
  type: z.literal('transfer:complete'),
  transferId: transferIdSchema,
});

/**
 * Receiver → sender: bytes of this transfer written to disk since the accept on this connection
 * (cumulative, so a lost or merged credit does no harm). The sender keeps at most
 * `TRANSFER_CREDIT_WINDOW_BYTES` sent beyond it.
 */
export const transferCreditMessageSchema = z.object({
  v: version,
  type: z.literal('transfer:credit'),
  transferId: transferIdSchema,
  written: byteCount,
});

export const transferErrorMessageSchema = z.object({
  v: version,
  type: z.literal('transfer:error'),
  transferId: transferIdSchema,
  by: transferRoleSchema,
  code: transferErrorCodeSchema,
  /** The file it concerns, when it concerns one. */
  index: fileIndex.optional(),
});

/**
 * The WebRTC handshake of the bulk connection: bulk frames travel on an RTCPeerConnection of their
 * own (renderer/src/engine/transfer/bulk-connection.ts), set up over the control channel once the
 * devices are connected, so it needs no signaling service. The device that did not start the
 * control connection makes the offer; the other answers. Either side that cannot set it up falls
 * back to the bulk channel on the control connection, on which it always listens too.
 *
 * If the bulk channel is lost while the control connection stays up, the device that notices
 * sends `relink` with the next generation and both set up a new bulk connection of that
 * generation; paused transfers then resume from what the receiver has on disk. Every signal
 * carries the generation it belongs to, so a late one of an old connection is ignored.
 */
/**
 * Bulk connections set up again on one control connection before giving up until a reconnect.
 * Each generation's fallback takes two channel ids on the control connection (one per direction),
 * from 1000 on: 8 keeps them below Chromium's 1024 streams.
 */
export const MAX_BULK_GENERATION = 8;

export const bulkSignalSchema = z.discriminatedUnion('kind', [
  /** The sender lost its bulk channel and starts over with the message's generation. */
  z.strictObject({ kind: z.literal('relink') }),
  z.strictObject({
    kind: z.literal('description'),
    type: z.enum(['offer', 'answer']),
    sdp: z.string().min(1).max(60_000),
  }),
  z.strictObject({
    kind: z.literal('candidate'),
    /** An ICE candidate line as `RTCIceCandidate.candidate` gives it. */
    candidate: z.string().min(1).max(2_000),
    sdpMid: z.string().max(64).nullable(),
    sdpMLineIndex: z.number().int().min(0).max(0xffff).nullable(),
  }),
]);
export type BulkSignal = z.infer<typeof bulkSignalSchema>;

export const transferSignalMessageSchema = z.object({
  v: version,
  type: z.literal('transfer:signal'),
  /** Which bulk connection of this control connection it is for (0 first; absent means 0). */
  generation: z.number().int().min(0).max(MAX_BULK_GENERATION).optional(),
  data: bulkSignalSchema,
});

/** Members for `peerMessageSchema`'s union in peer-protocol.ts. */
export const transferMessageSchemas = [
  transferOfferMessageSchema,
  transferOfferFilesMessageSchema,
  transferAcceptMessageSchema,
  transferDeclineMessageSchema,
  transferCancelMessageSchema,
  transferFileCompleteMessageSchema,
  transferCompleteMessageSchema,
  transferCreditMessageSchema,
  transferErrorMessageSchema,
  transferSignalMessageSchema,
] as const;

export type TransferOfferMessage = z.infer<typeof transferOfferMessageSchema>;
export type TransferOfferFilesMessage = z.infer<typeof transferOfferFilesMessageSchema>;
export type TransferAcceptMessage = z.infer<typeof transferAcceptMessageSchema>;
export type TransferDeclineMessage = z.infer<typeof transferDeclineMessageSchema>;
export type TransferCancelMessage = z.infer<typeof transferCancelMessageSchema>;
export type TransferFileCompleteMessage = z.infer<typeof transferFileCompleteMessageSchema>;
export type TransferCompleteMessage = z.infer<typeof transferCompleteMessageSchema>;
export type TransferCreditMessage = z.infer<typeof transferCreditMessageSchema>;
export type TransferErrorMessage = z.infer<typeof transferErrorMessageSchema>;
export type TransferSignalMessage = z.infer<typeof transferSignalMessageSchema>;
export type TransferMessage =
  | TransferOfferMessage
  | TransferOfferFilesMessage
  | TransferAcceptMessage
  | TransferDeclineMessage
  | TransferCancelMessage
  | TransferFileCompleteMessage
  | TransferCompleteMessage
  | TransferCreditMessage
  | TransferErrorMessage
  | TransferSignalMessage;

/**
 * Checks what zod cannot see in one message: a complete manifest has indices 0…n-1 in order and
 * sizes that add up to the announced total.
 */
export function checkManifest(
  files: readonly ManifestFile[],
  fileCount: number,
  totalBytes: number,
): Result<true> {
  if (files.length !== fileCount) return err('INVALID_PAYLOAD', 'manifest length differs from fileCount');
  let sum = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    if (file?.index !== i) return err('INVALID_PAYLOAD', 'manifest indices must run 0…n-1 in order');
    sum += file.size;
  }
  return sum === totalBytes ? ok(true) : err('INVALID_PAYLOAD', 'sizes do not add up to totalBytes');
}

// ---------------------------------------------------------------------------------------------
// Bulk frames
// ---------------------------------------------------------------------------------------------

export interface TransferFrame {
  readonly slot: number;
  readonly fileIndex: number;
  /** Where `payload` starts in the file. */
  readonly offset: number;
  readonly payload: Uint8Array;
}

const TWO_32 = 2 ** 32;

/**
 * Writes the 16-byte header of a frame into the first bytes of `target`; the payload goes after
 * it. Lets a sender build every frame in one buffer of its own instead of allocating one per frame.
 */
export function writeTransferFrameHeader(
  target: Uint8Array,
  frame: Pick<TransferFrame, 'slot' | 'fileIndex' | 'offset'>,
): void {
  const { slot, fileIndex: index, offset } = frame;
  if (!Number.isInteger(slot) || slot < 1 || slot > 0xffff) throw new RangeError('slot out of range');
  if (!Number.isInteger(index) || index < 0 || index >= TWO_32)
    throw new RangeError('file index out of range');
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('offset out of range');
  if (target.byteLength < TRANSFER_FRAME_HEADER_BYTES) throw new RangeError('no room for the header');
  const view = new DataView(target.buffer, target.byteOffset, TRANSFER_FRAME_HEADER_BYTES);
  view.setUint8(0, TRANSFER_FRAME_VERSION);
  view.setUint8(1, 0);
  view.setUint16(2, slot);
  view.setUint32(4, index);
  view.setUint32(8, Math.floor(offset / TWO_32));
  view.setUint32(12, offset % TWO_32);
}

/** Builds one frame: a 16-byte header, then the payload (at most `TRANSFER_CHUNK_BYTES`). */
export function encodeTransferFrame(frame: TransferFrame): Uint8Array<ArrayBuffer> {
  if (frame.payload.byteLength > TRANSFER_CHUNK_BYTES) throw new RangeError('payload larger than one frame');
  const bytes = new Uint8Array(TRANSFER_FRAME_HEADER_BYTES + frame.payload.byteLength);
  writeTransferFrameHeader(bytes, frame);
  bytes.set(frame.payload, TRANSFER_FRAME_HEADER_BYTES);
  return bytes;
}

/** Reads one frame from the other peer without copying the payload. Never throws. */
export function decodeTransferFrame(data: ArrayBuffer | Uint8Array): Result<TransferFrame> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.byteLength < TRANSFER_FRAME_HEADER_BYTES)
    return err('INVALID_PAYLOAD', 'frame shorter than its header');
  if (bytes.byteLength > TRANSFER_FRAME_MAX_BYTES) return err('PAYLOAD_TOO_LARGE');
  const view = new DataView(bytes.buffer, bytes.byteOffset, TRANSFER_FRAME_HEADER_BYTES);
  if (view.getUint8(0) !== TRANSFER_FRAME_VERSION) return err('UNSUPPORTED_PROTOCOL');
  const slot = view.getUint16(2);
  if (slot === 0) return err('INVALID_PAYLOAD', 'slot 0 is not used');
  const offset = view.getUint32(8) * TWO_32 + view.getUint32(12);
  if (!Number.isSafeInteger(offset)) return err('INVALID_PAYLOAD', 'offset beyond 2^53');
  return ok({
    slot,
    fileIndex: view.getUint32(4),
    offset,
    payload: bytes.subarray(TRANSFER_FRAME_HEADER_BYTES),
  });
}
