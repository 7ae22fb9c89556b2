/**
 * A device's lasting identity as other devices see it, and the checks made on it.
 *
 * Each device keeps an Ed25519 signing key and one DTLS certificate for every connection it makes
 * (renderer/src/engine/identity/). Its device id is derived from its public key, so a device id
 * can no longer be claimed by a device that does not hold the key: `hello` carries the public key,
 * the certificate fingerprint, and a signature over the DTLS fingerprints of *this* connection
 * (both ends, as the SDP of the connection states them). The signature binds the key to the
 * connection: a relay in the middle of DTLS has other fingerprints on each side and cannot re-sign.
 *
 * Pure TypeScript shared by every runtime: the only imports besides zod are the audited, pure
 * @noble primitives (no Node, DOM or WebCrypto dependency, so the signaling service can check
 * presence signatures with the same code).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';

/** Ed25519 public key, 32 bytes, base64url without padding (43 characters). */
export const devicePublicKeySchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not an Ed25519 public key');
/** Ed25519 signature, 64 bytes, base64url without padding (86 characters). */
export const deviceSignatureSchema = z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'not an Ed25519 signature');
/**
 * A DTLS certificate's SHA-256 fingerprint as SDP writes it (RFC 8122 §5): 32 upper-case hex
 * bytes separated by colons.
 */
export const certificateFingerprintSchema = z
  .string()
  .regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'not a SHA-256 certificate fingerprint');
/** A device id derived from a public key (deviceIdFromPublicKey): 32 lower-case hex characters. */
export const derivedDeviceIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'not a device id');

export type DevicePublicKey = z.infer<typeof devicePublicKeySchema>;
export type CertificateFingerprint = z.infer<typeof certificateFingerprintSchema>;

const DEVICE_ID_CONTEXT = 'ferry-device-id-v1';
const HELLO_PROOF_CONTEXT = 'ferry-hello-v1';
const CERTIFICATE_ROTATION_CONTEXT = 'ferry-certificate-rotation-v1';
/**
 * Rotation statements a device keeps and presents (its latest ones): one per yearly renewal, so a
 * device that stays away for up to this many renewals still reconnects without a new code.
 */
export const MAX_CERTIFICATE_ROTATIONS = 8;

export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Null for text that is not base64url. */
export function decodeBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The device id of the holder of `publicKey`: the first 16 bytes of SHA-256 over a context label
 * and the key. Short enough to show and store, long enough (128 bits) that no one can find a key
 * for somebody else's id.
 */
export function deviceIdFromPublicKey(publicKey: Uint8Array): string {
  const label = new TextEncoder().encode(DEVICE_ID_CONTEXT);
  const input = new Uint8Array(label.byteLength + publicKey.byteLength);
  input.set(label, 0);
  input.set(publicKey, label.byteLength);
  return hex(sha256(input).subarray(0, 16));
}

/** Upper-case colon form; SDP allows either case (RFC 8122 §5 says the hex is case-insensitive). */
export function normalizeFingerprint(value: string): string {
  return value.trim().toUpperCase();
}

/**
 * The SHA-256 fingerprint an SDP states (session or media level; Ferry's connections carry one
 * certificate, so every `a=fingerprint` line names the same one). Null when there is none.
 */
export function sha256FingerprintInSdp(sdp: string): CertificateFingerprint | null {
  const match = /^a=fingerprint:sha-256 ([0-9A-Fa-f:]+)\s*$/im.exec(sdp);
  if (!match?.[1]) return null;
  const value = normalizeFingerprint(match[1]);
  return certificateFingerprintSchema.safeParse(value).success ? value : null;
}

/**
 * What a device signs in its `hello`: its own fingerprint, then the other end's, as this
 * connection's SDP states them. The order makes the two directions' signatures differ, so one side's
 * proof cannot be sent back as the other's.
 */
export function helloProofPayload(
  sender: CertificateFingerprint,
  receiver: CertificateFingerprint,
): Uint8Array {
  return new TextEncoder().encode(`${HELLO_PROOF_CONTEXT}\n${sender}\n${receiver}`);
}

/**
 * A certificate-rotation statement: the device replaced the DTLS certificate `from` with `to`,
 * signed with its key when it made the new certificate. A device that pinned `from` accepts `to`
 * only with such a statement that verifies with the pinned public key (followRotations).
 */
export const certificateRotationSchema = z.object({
  from: certificateFingerprintSchema,
  to: certificateFingerprintSchema,
  signature: deviceSignatureSchema,
});
export type CertificateRotation = z.infer<typeof certificateRotationSchema>;

/** What a rotation statement signs: the old fingerprint, then the new one. */
export function certificateRotationPayload(
  from: CertificateFingerprint,
  to: CertificateFingerprint,
): Uint8Array {
  return new TextEncoder().encode(`${CERTIFICATE_ROTATION_CONTEXT}\n${from}\n${to}`);
}

/**
 * Whether `rotations` lead, statement by statement, from the `pinned` fingerprint to `current`,
 * each signed by `publicKey` (base64url Ed25519). Equal fingerprints need no statement. Order in the
 * list does not matter; each statement is used at most once, so a loop cannot run forever.
 */
export function followRotations(
  pinned: CertificateFingerprint,
  current: CertificateFingerprint,
  rotations: readonly CertificateRotation[],
  publicKey: string,
): boolean {
  const key = decodeBase64Url(publicKey);
  if (!key || key.byteLength !== 32) return false;
  const unused = rotations.slice(0, MAX_CERTIFICATE_ROTATIONS);
  let at = normalizeFingerprint(pinned);
  const target = normalizeFingerprint(current);
  while (at !== target) {
    const index = unused.findIndex((rotation) => {
      if (normalizeFingerprint(rotation.from) !== at) return false;
      const signature = decodeBase64Url(rotation.signature);
      return (
        signature !== null &&
        signature.byteLength === 64 &&
        verifySignature(
          key,
          signature,
          certificateRotationPayload(normalizeFingerprint(rotation.from), normalizeFingerprint(rotation.to)),
        )
      );
    });
    if (index < 0) return false;
    at = normalizeFingerprint(unused[index]!.to);
    unused.splice(index, 1);
  }
  return true;
}

/** The identity fields of a `hello` (contracts/peer-protocol.ts). */
export interface HelloIdentity {
  readonly deviceId: string;
  readonly publicKey: string;
  readonly certificateFingerprint: string;
  readonly identityProof: string;
}

/** Why a `hello` did not prove who it claims to be. */
export type HelloIdentityFailure =
  /** The device id is not the one its public key gives: someone claims another device's id. */
  | 'device-id-mismatch'
  /** The certificate it names is not the one on this connection. */
  | 'fingerprint-mismatch'
  /** The signature over this connection's fingerprints does not verify with its key. */
  | 'bad-proof';

/**
 * Checks a received `hello` against the connection it came on: `local` and `remote` are the
 * fingerprints in this connection's local and remote SDP. Returns null when it holds.
 */
export function checkHelloIdentity(
  hello: HelloIdentity,
  connection: { readonly local: CertificateFingerprint; readonly remote: CertificateFingerprint },
): HelloIdentityFailure | null {
  const publicKey = decodeBase64Url(hello.publicKey);
  if (!publicKey || publicKey.byteLength !== 32) return 'device-id-mismatch';
  if (deviceIdFromPublicKey(publicKey) !== hello.deviceId) return 'device-id-mismatch';
  if (normalizeFingerprint(hello.certificateFingerprint) !== connection.remote) return 'fingerprint-mismatch';
  const signature = decodeBase64Url(hello.identityProof);
  if (!signature || signature.byteLength !== 64) return 'bad-proof';
  return verifySignature(publicKey, signature, helloProofPayload(connection.remote, connection.local))
    ? null
    : 'bad-proof';
}

/** Ed25519 verification that never throws (a malformed key or signature is just "no"). */
export function verifySignature(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}
