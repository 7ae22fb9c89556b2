/**
 * SPAKE2 as specified in RFC 9382, ciphersuite SPAKE2-P256-SHA256-HKDF-HMAC, with key confirmation.
 *
 * Two devices that share a weak password (the secret half of a pairing code) each send one group
 * element and derive the same strong key; anyone who relays the messages learns nothing about the
 * password, and an active attacker gets exactly one online guess per run (RFC 9382, section 7).
 * Each side then proves it holds the key with a MAC over the whole transcript, so a wrong password
 * shows as a confirmation failure before any data flows.
 *
 * Built only on audited primitives: @noble/curves for P-256 and @noble/hashes for SHA-256, HKDF and
 * HMAC. No WebCrypto: a browser that opened Ferry from a LAN address is not a secure context and
 * has no `crypto.subtle`; `crypto.getRandomValues` is available everywhere.
 */
import { p256 } from '@noble/curves/nist.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesEqual } from './bytes';

type Point = InstanceType<typeof p256.Point>;

/** RFC 9382, section 6: the fixed points M and N for P-256 (compressed SEC1). */
const M = p256.Point.fromHex('02886e2f97ace46e55ba9dd7242579f2993b64e16ef3dcab95afd497333d8fa12f');
const N = p256.Point.fromHex('03d8bbd6c639c62937b04d997f38c3770719c629d7014d49a24b4f98baa1292b49');
const G = p256.Point.BASE;
const ORDER = p256.Point.Fn.ORDER;

/** The party: A sends pA = x·P + w·M, B sends pB = y·P + w·N. */
export type Spake2Role = 'A' | 'B';

export interface Spake2Options {
  readonly role: Spake2Role;
  /** The password scalar w, already reduced modulo the group order (see `passwordScalar`). */
  readonly w: bigint;
  /** Identity of party A, bound into the transcript; may be empty. */
  readonly idA: Uint8Array;
  /** Identity of party B, bound into the transcript; may be empty. */
  readonly idB: Uint8Array;
  /** Additional authenticated data for the confirmation keys (RFC 9382, section 4); may be empty. */
  readonly aad?: Uint8Array;
  /** Test seam for the RFC's vectors: the ephemeral scalar. Random in [1, n-1] otherwise. */
  readonly ephemeral?: bigint;
}

/** What both parties hold once the exchange and the confirmation succeeded. */
export interface Spake2Keys {
  /** The shared secret Ke (16 bytes); derive every further key from it with its own label. */
  readonly sharedKey: Uint8Array;
  /** The transcript TT, for tests and for binding further messages to this run. */
  readonly transcript: Uint8Array;
}

export type Spake2FinishResult =
  | {
      readonly ok: true;
      /** Our confirmation MAC, to send to the other party. */
      readonly confirmation: Uint8Array;
      /** Checks the other party's confirmation; the keys are released only when it is right. */
      readonly verify: (peerConfirmation: Uint8Array) => Spake2Keys | null;
    }
  | { readonly ok: false; readonly reason: 'invalid-share' };

/** Encodes a length as the RFC does: 8 bytes, little-endian (section 3.2, `len`). */
function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(bytes.length), true);
  return concatBytes(prefix, bytes);
}

function scalarToBytes(value: bigint): Uint8Array {
  return hexToBytes(value.toString(16).padStart(64, '0'));
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** A uniformly random scalar in [1, n-1]: 48 random bytes reduced mod n-1 leave a bias below 2^-128. */
function randomScalar(): bigint {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(48));
  return (bytesToBigInt(bytes) % (ORDER - 1n)) + 1n;
}

/**
 * Maps a password to the scalar w. RFC 9382 (section 3.2) asks for a memory-hard function before
 * the reduction; that hardening only slows an offline search, and SPAKE2 gives a passive observer
 * or an active attacker no transcript to search offline, so a domain-separated HKDF with enough
 * output for an unbiased reduction is what stands between the password and the group here. The
 * context (nameplate, protocol label) keeps the same secret under another nameplate unrelated.
 */
export function passwordScalar(password: Uint8Array, context: Uint8Array): bigint {
  const wide = hkdf(sha256, password, utf8ToBytes('ferry/spake2/password/v1'), context, 48);
  const w = bytesToBigInt(wide) % ORDER;
  // Probability 2^-256; a zero w would make the shares independent of the password.
  return w === 0n ? 1n : w;
}

/** A SPAKE2 run for one party: `share` goes to the other party, then `finish` with theirs. */
export class Spake2 {
  readonly share: Uint8Array;
  private readonly ephemeral: bigint;
  private finished = false;

  constructor(private readonly options: Spake2Options) {
    if (options.w <= 0n || options.w >= ORDER) throw new RangeError('w must be in [1, n-1]');
    this.ephemeral = options.ephemeral ?? randomScalar();
    const blind = options.role === 'A' ? M : N;
    this.share = G.multiply(this.ephemeral).add(blind.multiply(options.w)).toBytes(false);
  }

  /**
   * Takes the other party's share and derives the keys. A share that is not a point on the curve,
   * is the identity, or equals our own (a reflected message) is refused. Single use.
   */
  finish(peerShare: Uint8Array): Spake2FinishResult {
    if (this.finished) throw new Error('a SPAKE2 run finishes once');
    this.finished = true;
    const { role, w, idA, idB } = this.options;
    if (bytesEqual(peerShare, this.share)) return { ok: false, reason: 'invalid-share' };
    let peer: Point;
    try {
      peer = p256.Point.fromBytes(peerShare);
      peer.assertValidity();
    } catch {
      return { ok: false, reason: 'invalid-share' };
    }
    if (peer.is0()) return { ok: false, reason: 'invalid-share' };
    const peerBlind = role === 'A' ? N : M;
    // P-256 has cofactor 1, so no cofactor clearing (RFC 9382, section 4: h = 1).
    const shared = peer.subtract(peerBlind.multiply(w)).multiply(this.ephemeral);
    if (shared.is0()) return { ok: false, reason: 'invalid-share' };
    const pA = role === 'A' ? this.share : peer.toBytes(false);
    const pB = role === 'A' ? peer.toBytes(false) : this.share;
    const transcript = concatBytes(
      lengthPrefixed(idA),
      lengthPrefixed(idB),
      lengthPrefixed(pA),
      lengthPrefixed(pB),
      lengthPrefixed(shared.toBytes(false)),
      lengthPrefixed(scalarToBytes(w)),
    );
    const keys = deriveKeys(transcript, this.options.aad ?? new Uint8Array());
    const own = role === 'A' ? keys.confirmA : keys.confirmB;
    const expected = role === 'A' ? keys.confirmB : keys.confirmA;
    return {
      ok: true,
      confirmation: own,
      verify: (peerConfirmation) =>
        bytesEqual(peerConfirmation, expected) ? { sharedKey: keys.Ke, transcript } : null,
    };
  }
}

/** RFC 9382, section 4: Ke || Ka = Hash(TT); KcA || KcB = KDF(Ka, nil, "ConfirmationKeys" || AAD). */
export function deriveKeys(transcript: Uint8Array, aad: Uint8Array) {
  const hashed = sha256(transcript);
  const Ke = hashed.slice(0, 16);
  const Ka = hashed.slice(16, 32);
  const confirmationKeys = hkdf(sha256, Ka, undefined, concatBytes(utf8ToBytes('ConfirmationKeys'), aad), 32);
  const KcA = confirmationKeys.slice(0, 16);
  const KcB = confirmationKeys.slice(16, 32);
  return {
    Ke,
    Ka,
    KcA,
    KcB,
    confirmA: hmac(sha256, KcA, transcript),
    confirmB: hmac(sha256, KcB, transcript),
  };
}
