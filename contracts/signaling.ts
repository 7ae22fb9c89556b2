/**
 * The signaling protocol between a Ferry client and the signaling service (socket.io).
 *
 * The service only introduces two devices: one opens a nameplate, the other joins it, and the
 * service relays handshake messages (SDP and ICE candidates) between exactly those two sockets.
 * Every payload is parsed with these schemas on arrival; acks are `Result` envelopes.
 */
import { z } from 'zod';
import { isNameplate } from './pairing-code';
import type { Result } from './result';
import type {
  PresenceChallengeReply,
  PresenceJoinReply,
  presencePeerEventSchema,
  presenceSignalEventSchema,
} from './presence';

/**
 * Bumped on any incompatible change; sent in the socket.io handshake (`auth.protocol`).
 * 2: the relay carries the SPAKE2 exchange (`pake:*`) between the devices.
 */
export const SIGNALING_PROTOCOL_VERSION = 2;

/** Largest accepted event payload, as JSON. SDP with many candidates stays far below this. */
export const MAX_SIGNAL_PAYLOAD_BYTES = 64 * 1024;

export const handshakeAuthSchema = z.object({
  protocol: z.literal(SIGNALING_PROTOCOL_VERSION),
});
export type HandshakeAuth = z.infer<typeof handshakeAuthSchema>;

export const nameplateSchema = z.string().max(64).refine(isNameplate, 'not a nameplate');

/** An ICE server as RTCPeerConnection takes it (STUN or TURN, with REST credentials for TURN). */
export const iceServerSchema = z.object({
  urls: z.union([z.string().min(1).max(512), z.array(z.string().min(1).max(512)).min(1).max(8)]),
  username: z.string().max(512).optional(),
  credential: z.string().max(512).optional(),
});
export type IceServer = z.infer<typeof iceServerSchema>;
export const iceServersSchema = z.array(iceServerSchema).max(16);

/**
 * What simple-peer emits from its `signal` event: an offer or answer, an ICE candidate, or a
 * renegotiation request. Fields we do not read are kept (`looseObject`) so the data reaches the
 * other peer intact.
 */
export const signalDataSchema = z.union([
  z.looseObject({
    type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
    sdp: z.string().max(60_000).optional(),
  }),
  z.looseObject({
    type: z.literal('candidate'),
    candidate: z.looseObject({
      candidate: z.string().max(2_000),
      sdpMLineIndex: z.number().int().nullable().optional(),
      sdpMid: z.string().max(64).nullable().optional(),
    }),
  }),
  z.looseObject({ type: z.literal('renegotiate'), renegotiate: z.literal(true) }),
  z.looseObject({ type: z.literal('transceiverRequest') }),
]);
export type SignalData = z.infer<typeof signalDataSchema>;

const hexBytes = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length * 2}}$`));

/**
 * The SPAKE2 exchange (RFC 9382) and the fingerprint binding, end to end between the two devices
 * through the relay. The service sees these but learns nothing from them: the shares are blinded by
 * the password, and the MACs are keyed by the PAKE key.
 */
export const pakeMessageSchema = z.discriminatedUnion('type', [
  /** The sender's SPAKE2 share (pA from the opener, pB from the joiner): an uncompressed P-256 point. */
  z.strictObject({ type: z.literal('pake:share'), share: hexBytes(65) }),
  /** The sender's key confirmation: HMAC-SHA256 over the transcript with its confirmation key. */
  z.strictObject({ type: z.literal('pake:confirm'), mac: hexBytes(32) }),
  /**
   * The DTLS certificate fingerprint in the sender's own SDP, MAC'd with a key derived from the PAKE
   * key, so that the receiver can tell whether the SDP it was relayed carries the same one.
   */
  z.strictObject({
    type: z.literal('pake:fingerprint'),
    fingerprint: z.string().min(1).max(256),
    mac: hexBytes(32),
  }),
  /**
   * The sender found that what the relay delivered does not match what the PAKE authenticated, and
   * stops. MAC'd with the binding key, so a service cannot fake it to blame the other device.
   */
  z.strictObject({ type: z.literal('pake:abort'), mac: hexBytes(32) }),
]);
export type PakeMessage = z.infer<typeof pakeMessageSchema>;

/** What the relay carries between the two devices of a pair: WebRTC handshake data or PAKE messages. */
export const relayDataSchema = z.union([signalDataSchema, pakeMessageSchema]);
export type RelayData = z.infer<typeof relayDataSchema>;

export const pairOpenRequestSchema = z.strictObject({
  /**
   * Claim this nameplate if it is free here, so that one code is open on two services at once (a
   * desktop opens it on its embedded service as well as on the internet service). Refused with
   * `NAMEPLATE_TAKEN` when it is not free. Absent: the service picks one.
   */
  nameplate: nameplateSchema.optional(),
  /**
   * With `nameplate`: take back a code this client opened before (its `PairOpened.resumeToken`),
   * after its connection or the service instance went away. Accepted while the code is still
   * within its deadline and nobody has joined it, on whichever instance the client reaches.
   */
  resumeToken: z.string().min(16).max(64).optional(),
});
export const pairLeaveRequestSchema = z.strictObject({});
export const pairJoinRequestSchema = z.strictObject({ nameplate: nameplateSchema });
/** Same shape as a join: "is this nameplate joinable here?" without joining it. */
export const pairLookupRequestSchema = pairJoinRequestSchema;
export const signalRelayRequestSchema = z.strictObject({ data: relayDataSchema });

/**
 * Why a device gave up on a pairing attempt, told to the other device before it leaves so that both
 * show the same, true reason (without it the other device only sees "left" and says so):
 * - `code-mismatch`: the PAKE's key confirmation failed (the secret half of the code did not match);
 *   like every abort it ends the pairing, so the nameplate stays closed: one guess per code;
 * - `no-path`: no network path was found between the two devices;
 * - `incompatible`: the other device speaks a peer protocol this one does not understand;
 * - `cancelled`: the person stopped pairing;
 * - `closed`: Ferry is closing on that device.
 */
export const pairAbortReasonSchema = z.enum([
  'code-mismatch',
  'no-path',
  'incompatible',
  'cancelled',
  'closed',
]);
export type PairAbortReason = z.infer<typeof pairAbortReasonSchema>;
/** Ends the sender's pairing like `pair:leave`, and tells the other device why. */
export const pairAbortRequestSchema = z.strictObject({ reason: pairAbortReasonSchema });

export interface PairOpened {
  readonly nameplate: string;
  /** Milliseconds since the epoch when the nameplate stops being joinable. */
  readonly expiresAt: number;
  readonly iceServers: IceServer[];
  /**
   * Lets this client take the code back after a reconnection (see `pairOpenRequestSchema`).
   * Always sent by this version; absent from older services.
   */
  readonly resumeToken?: string | undefined;
}

export interface PairJoined {
  readonly iceServers: IceServer[];
}

export type Ack<T> = (result: Result<T>) => void;

/** Events a client sends. Each carries an ack that receives a `Result`. */
export interface ClientToServerEvents {
  'pair:open': (request: unknown, ack: Ack<PairOpened>) => void;
  'pair:join': (request: unknown, ack: Ack<PairJoined>) => void;
  /**
   * Whether a nameplate is open and joinable on this service, answered exactly as a join would be
   * (ok, or CODE_NOT_FOUND / CODE_EXPIRED / CODE_USED / PAIR_FULL) but changing nothing. A device
   * asks every service the other device may be on (the configured one, nearby ones) and joins only
   * where the code is held: a join elsewhere could end a stranger's pairing that happens to use the
   * same nameplate there. Counted by the rate limiter like a join, since it can be used to guess.
   */
  'pair:lookup': (request: unknown, ack: Ack<null>) => void;
  'signal:relay': (request: unknown, ack: Ack<null>) => void;
  'pair:leave': (request: unknown, ack: Ack<null>) => void;
  'pair:abort': (request: unknown, ack: Ack<null>) => void;
  /** Presence of remembered devices (contracts/presence.ts): a challenge for this connection. */
  'presence:challenge': (request: unknown, ack: Ack<PresenceChallengeReply>) => void;
  /** Enters the room shared with one remembered device, proving the key by signing the challenge. */
  'presence:join': (request: unknown, ack: Ack<PresenceJoinReply>) => void;
  'presence:leave': (request: unknown, ack: Ack<null>) => void;
  /** Handshake data for the other device of a presence room. */
  'presence:signal': (request: unknown, ack: Ack<null>) => void;
}

/** Why the service ended a pairing on its side. */
export const pairEndReasonSchema = z.enum(['peer-left', 'expired']);
export type PairEndReason = z.infer<typeof pairEndReasonSchema>;

export const peerJoinedEventSchema = z.strictObject({});
export const signalEventSchema = z.strictObject({ data: relayDataSchema });
export const pairEndedEventSchema = z.strictObject({ reason: pairEndReasonSchema });
export const pairAbortedEventSchema = z.strictObject({ reason: pairAbortReasonSchema });
export const serverErrorEventSchema = z.object({ code: z.string(), message: z.string().optional() });
export const serviceClosingEventSchema = z.strictObject({});

/** Events the service sends. Clients parse them with the schemas above too. */
export interface ServerToClientEvents {
  /** To the opener: the other device joined; the opener now starts the WebRTC offer. */
  'pair:peer-joined': (event: z.infer<typeof peerJoinedEventSchema>) => void;
  /** Handshake data from the other device of the pair. */
  'signal:relay': (event: z.infer<typeof signalEventSchema>) => void;
  /** The pairing ended on the service: the other device left, or the code expired unused. */
  'pair:ended': (event: z.infer<typeof pairEndedEventSchema>) => void;
  /** The other device gave up on the pairing and said why (`pair:abort`); the pairing has ended. */
  'pair:aborted': (event: z.infer<typeof pairAbortedEventSchema>) => void;
  /** The other device of a presence room came or left. */
  'presence:peer': (event: z.infer<typeof presencePeerEventSchema>) => void;
  /** Handshake data from the other device of a presence room. */
  'presence:signal': (event: z.infer<typeof presenceSignalEventSchema>) => void;
  /** An event that had no ack callback was rejected; sent instead of an ack. */
  'server:error': (event: z.infer<typeof serverErrorEventSchema>) => void;
  /**
   * This service instance is shutting down and is about to close the connection. The client
   * reconnects (with back-off; behind a balancer it reaches another instance) and takes back an
   * open code with its `resumeToken`.
   */
  'service:closing': (event: z.infer<typeof serviceClosingEventSchema>) => void;
}
