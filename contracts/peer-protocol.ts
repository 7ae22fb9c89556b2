/**
 * Messages on the control data channel between two Ferry peers.
 *
 * JSON text frames, one message per frame, each a discriminated union member tagged by `type`
 * (`domain:verb`) and carrying the protocol version `v`. The receiver parses every frame with
 * `decodePeerMessage`; anything that does not parse is answered with a `peer:error` and dropped,
 * never thrown.
 */
import { z } from 'zod';
import { callMessageSchemas } from './call';
import {
  MAX_CERTIFICATE_ROTATIONS,
  certificateFingerprintSchema,
  certificateRotationSchema,
  derivedDeviceIdSchema,
  devicePublicKeySchema,
  deviceSignatureSchema,
} from './device-identity';
import { err, ok, type Result } from './result';
import { signalDataSchema } from './signaling';
import { transferMessageSchemas } from './transfer';

export const PEER_PROTOCOL_VERSION = 1;
/** Control frames are small; bulk data travels on its own channel. */
export const MAX_CONTROL_FRAME_BYTES = 64 * 1024;
export const MAX_CHAT_TEXT_LENGTH = 10_000;
export const MAX_DEVICE_NAME_LENGTH = 64;

const version = z.literal(PEER_PROTOCOL_VERSION);
const messageId = z.string().min(1).max(64);

/**
 * The latest instant a peer may put in a timestamp: the last millisecond of year 9999. JavaScript
 * dates end at ±8.64e15 ms, and `toISOString()` throws beyond that: one chat line with
 * `sentAt: 8640000000000001` once unmounted the whole UI. Four-digit years also keep ISO strings in
 * their plain form.
 */
export const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Milliseconds since the epoch, within what every date API can show. */
export const timestampSchema = z.number().int().min(0).max(MAX_TIMESTAMP_MS);

/**
 * C0/C1 controls, and the bidi embedding/override/isolate controls that make a name display as
 * something else ("Ada\u202Epot" shows as "Adatop"): a device name is one line of plain text.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const UNSHOWABLE_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A device name from the other peer, as the UI shows it: control and bidi characters removed,
 * trimmed, and something left. Neutralised rather than refused so that a name typed with an odd
 * character still pairs.
 */
export const peerDeviceNameSchema = z
  .string()
  .max(MAX_DEVICE_NAME_LENGTH)
  .transform((name) => name.replace(UNSHOWABLE_IN_NAMES, '').trim())
  .pipe(z.string().min(1));

export const helloMessageSchema = z.object({
  v: version,
  type: z.literal('hello'),
  /** Id of the sending device, derived from its public key (contracts/device-identity.ts). */
  deviceId: derivedDeviceIdSchema,
  /** What the sender's user calls the device, e.g. "Ada's laptop". */
  deviceName: peerDeviceNameSchema,
  /** A version number as the sender's package gives it ("0.1.0", "1.2.0-beta.1+abc"). */
  appVersion: z.string().regex(/^[0-9A-Za-z.+-]{1,32}$/),
  /** The sender's lasting Ed25519 public key; `deviceId` must be the id it derives to. */
  publicKey: devicePublicKeySchema,
  /**
   * The fingerprint of the DTLS certificate the sender uses for every connection (the one a device
   * that remembers it has pinned); it must be the one on this connection.
   */
  certificateFingerprint: certificateFingerprintSchema,
  /**
   * The sender's signature over this connection's fingerprints, its own then the receiver's
   * (helloProofPayload): proves it holds the key, on this very connection.
   */
  identityProof: deviceSignatureSchema,
  /**
   * The sender's certificate-rotation statements, oldest first, ending at `certificateFingerprint`
   * (contracts/device-identity.ts): how a device that pinned an older certificate of the sender
   * accepts this one. Absent or empty when the certificate never changed.
   */
  certificateRotations: z.array(certificateRotationSchema).max(MAX_CERTIFICATE_ROTATIONS).optional(),
  /**
   * Only in the hello that completes a pairing by code: HMAC-SHA256, keyed by the pairing's PAKE,
   * over the sender's role and its view of the connection's DTLS fingerprints (its own, the
   * other's). The receiver checks it against its own view; a device in the middle cannot match it.
   */
  binding: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

export const chatMessageSchema = z.object({
  v: version,
  type: z.literal('chat'),
  id: messageId,
  text: z.string().min(1).max(MAX_CHAT_TEXT_LENGTH),
  /** Sender's clock, milliseconds since the epoch; shown, never trusted for ordering. */
  sentAt: timestampSchema,
});

export const chatAckMessageSchema = z.object({
  v: version,
  type: z.literal('chat:ack'),
  id: messageId,
});

/**
 * WebRTC renegotiation (adding a call's audio track, ICE restarts) once the peers are connected:
 * it travels over the control channel, so it works when the signaling service is gone.
 */
export const peerSignalMessageSchema = z.object({
  v: version,
  type: z.literal('peer:signal'),
  data: signalDataSchema,
});

/** Sent just before a device closes the connection on purpose, so the other side knows at once. */
export const peerByeMessageSchema = z.object({
  v: version,
  type: z.literal('peer:bye'),
});

export const peerErrorMessageSchema = z.object({
  v: version,
  type: z.literal('peer:error'),
  /**
   * IDENTITY_REFUSED: the hello did not prove the device id and certificate it claims.
   * CONNECTION_INTERCEPTED: the hello's PAKE binding does not match this side's view of the
   * connection (someone in the middle).
   */
  code: z.enum([
    'INVALID_MESSAGE',
    'UNSUPPORTED_VERSION',
    'CODE_MISMATCH',
    'IDENTITY_REFUSED',
    'CONNECTION_INTERCEPTED',
  ]),
});

export const peerMessageSchema = z.discriminatedUnion('type', [
  helloMessageSchema,
  chatMessageSchema,
  chatAckMessageSchema,
  peerSignalMessageSchema,
  peerByeMessageSchema,
  peerErrorMessageSchema,
  // File transfers: offer/accept/decline/cancel/credit/…, see contracts/transfer.ts.
  ...transferMessageSchemas,
  // Voice calls: invite/accept/decline/cancel/end, see contracts/call.ts.
  ...callMessageSchemas,
]);

export type HelloMessage = z.infer<typeof helloMessageSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type ChatAckMessage = z.infer<typeof chatAckMessageSchema>;
export type PeerSignalMessage = z.infer<typeof peerSignalMessageSchema>;
export type PeerErrorMessage = z.infer<typeof peerErrorMessageSchema>;
export type PeerMessage = z.infer<typeof peerMessageSchema>;
export type PeerMessageType = PeerMessage['type'];

/** A message as the sender writes it: the version is filled in by `encodePeerMessage`. */
export type OutgoingPeerMessage = PeerMessage extends infer M
  ? M extends PeerMessage
    ? Omit<M, 'v'>
    : never
  : never;

export function encodePeerMessage(message: OutgoingPeerMessage): string {
  return JSON.stringify({ v: PEER_PROTOCOL_VERSION, ...message });
}

/** Parses one control frame from the other peer. Never throws. */
export function decodePeerMessage(frame: unknown): Result<PeerMessage> {
  const text =
    typeof frame === 'string' ? frame : frame instanceof Uint8Array ? new TextDecoder().decode(frame) : null;
  if (text === null) return err('INVALID_PAYLOAD', 'control frames are text');
  if (text.length > MAX_CONTROL_FRAME_BYTES) return err('PAYLOAD_TOO_LARGE');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err('INVALID_PAYLOAD', 'not JSON');
  }
  if (typeof json === 'object' && json !== null && 'v' in json && json.v !== PEER_PROTOCOL_VERSION) {
    return err('UNSUPPORTED_PROTOCOL');
  }
  const parsed = peerMessageSchema.safeParse(json);
  return parsed.success ? ok(parsed.data) : err('INVALID_PAYLOAD', parsed.error.issues[0]?.message);
}
