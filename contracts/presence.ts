/**
 * Presence of remembered devices on a signaling service: how two devices that paired once find each
 * other again without a code.
 *
 * Each pair of devices meets in a room whose id is derived from both public keys (sorted, under a
 * domain label), never from a device id: the service can only put a client in a room if it proves,
 * by signing a challenge the service issued to this very connection, that it holds one of the two
 * keys the room id is made of. So nobody can claim to be another device, and nobody learns whether
 * a device is online without holding the key of one of its remembered peers.
 *
 * Flow on one socket: `presence:challenge` (ack: a fresh random challenge bound to this socket),
 * then `presence:join` per remembered peer with {own key, peer key, signature}; the service checks
 * the signature (IDENTITY_REFUSED when it does not verify), derives the room id and answers whether
 * the other device is there. When both are there, each is told (`presence:peer`), and handshake data
 * for the WebRTC connection flows through `presence:signal`. The device with the smaller public key
 * (in base64url string order) makes the offer; the other answers. The same relay carries the ICE
 * restart of a connection whose path dropped (`restart: true`), which its control channel cannot.
 *
 * Pure TypeScript: zod and the audited @noble primitives only, shared by service and clients.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { devicePublicKeySchema, deviceSignatureSchema, type DevicePublicKey } from './device-identity';
import { iceServersSchema, signalDataSchema } from './signaling';

const RENDEZVOUS_CONTEXT = 'ferry-presence-rendezvous-v1';
const PROOF_CONTEXT = 'ferry-presence-proof-v1';

/** A room id: SHA-256, 64 lower-case hex characters. */
export const rendezvousIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'not a rendezvous id');
/** A challenge: 32 random bytes, base64url (43 characters). */
export const presenceChallengeSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a challenge');

/** Rooms one connection may be in: more remembered devices than a person keeps. */
export const MAX_PRESENCE_ROOMS_PER_SOCKET = 256;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The room of the two devices holding these keys: the same whichever device computes it (the keys
 * are sorted), different for every pair, and meaningless to anyone who does not know both keys.
 */
export function rendezvousIdOf(one: DevicePublicKey, other: DevicePublicKey): string {
  const [first, second] = [one, other].sort();
  return hex(sha256(new TextEncoder().encode(`${RENDEZVOUS_CONTEXT}\n${first}\n${second}`)));
}

/** What a device signs to enter a room: the service's challenge for this connection, and the room. */
export function presenceProofPayload(challenge: string, rendezvousId: string): Uint8Array {
  return new TextEncoder().encode(`${PROOF_CONTEXT}\n${challenge}\n${rendezvousId}`);
}

/** Whether the holder of `own` makes the WebRTC offer to the holder of `peer` (both agree). */
export function makesTheOffer(own: DevicePublicKey, peer: DevicePublicKey): boolean {
  return own < peer;
}

export const presenceChallengeRequestSchema = z.strictObject({});
export const presenceChallengeReplySchema = z.strictObject({ challenge: presenceChallengeSchema });
export type PresenceChallengeReply = z.infer<typeof presenceChallengeReplySchema>;

export const presenceJoinRequestSchema = z.strictObject({
  /** This device's Ed25519 public key. */
  publicKey: devicePublicKeySchema,
  /** The remembered peer's public key; with `publicKey` it names the room. */
  peerPublicKey: devicePublicKeySchema,
  /** Ed25519 signature by `publicKey` over presenceProofPayload(challenge, room id). */
  signature: deviceSignatureSchema,
});
export const presenceJoinReplySchema = z.strictObject({
  rendezvousId: rendezvousIdSchema,
  /** The other device is in the room now (it was told that this one came). */
  peerPresent: z.boolean(),
  /** STUN/TURN servers for the connection, as at pairing. */
  iceServers: iceServersSchema,
});
export type PresenceJoinReply = z.infer<typeof presenceJoinReplySchema>;

export const presenceLeaveRequestSchema = z.strictObject({ rendezvousId: rendezvousIdSchema });
export const presenceSignalRequestSchema = z.strictObject({
  rendezvousId: rendezvousIdSchema,
  data: signalDataSchema,
  /**
   * An ICE restart of the connection the two devices still have (its path dropped), not a new
   * connection: the receiver hands it to that connection instead of starting another.
   */
  restart: z.literal(true).optional(),
});

/** To a member: the other device came into the room (`present`), or left it. */
export const presencePeerEventSchema = z.strictObject({
  rendezvousId: rendezvousIdSchema,
  present: z.boolean(),
});
/** To a member: handshake data from the other device of the room. */
export const presenceSignalEventSchema = presenceSignalRequestSchema;
