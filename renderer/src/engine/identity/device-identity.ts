/**
 * This device's lasting identity: an Ed25519 signing key and the DTLS certificate of every
 * connection it makes, the same in the desktop renderer and the browser client.
 *
 * The device id is derived from the public key (contracts/device-identity.ts), so it cannot be
 * claimed without the key. The certificate is an `RTCCertificate` handed to every
 * RTCPeerConnection this device makes (PeerSession, and through its configuration each bulk
 * connection), so its fingerprint is stable and can be pinned by the devices it pairs with.
 *
 * Chromium caps a certificate's life at 365 days (asked for ten years, measured 365), so it is
 * renewed, with the same key, when it has less than RENEW_BEFORE_MS left, and the device signs a
 * certificate-rotation statement (old fingerprint → new) with its key at that moment. A peer that
 * pinned the old fingerprint accepts the new one only with that statement, verified with the
 * pinned key (presence/reconnector.ts), so a renewal never needs a new code and a swapped
 * certificate is refused.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import {
  MAX_CERTIFICATE_ROTATIONS,
  certificateRotationPayload,
  certificateRotationSchema,
  deviceIdFromPublicKey,
  encodeBase64Url,
  helloProofPayload,
  normalizeFingerprint,
  type CertificateFingerprint,
  type CertificateRotation,
  type DevicePublicKey,
} from '../../../../contracts/device-identity';
import type { IdentityStore, StoredIdentity } from './identity-store';

/** Asked for; Chromium gives at most 365 days. */
const CERTIFICATE_LIFETIME_MS = 10 * 365 * 24 * 60 * 60 * 1000;
/** A certificate with less than this left is replaced at start (same key, same device id). */
export const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

export interface DeviceIdentity {
  /** Derived from the public key: 32 lower-case hex characters. */
  readonly deviceId: string;
  /** Ed25519 public key, base64url. */
  readonly publicKey: DevicePublicKey;
  /**
   * The certificate of every connection this device makes; null where none can be made (Node
   * tests: @roamhq/wrtc makes its own per connection, and the fingerprint is read from the SDP).
   */
  readonly certificate: RTCCertificate | null;
  /** The certificate's SHA-256 fingerprint, as SDP writes it; null with no certificate. */
  readonly certificateFingerprint: CertificateFingerprint | null;
  /** Signs with the device key (Ed25519, 64 bytes). */
  sign(message: Uint8Array): Uint8Array;
  /**
   * The rotation statements that lead to the certificate a connection shows as `local` (its
   * fingerprint), oldest first: what a `hello` carries so that a device which pinned an older
   * certificate accepts this one. Empty when there are none for it.
   */
  certificateRotations(local: CertificateFingerprint): readonly CertificateRotation[];
}

/** A fresh Ed25519 secret key from the platform's crypto randomness. */
export function generateSecretKey(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}

/** The SHA-256 fingerprint of a certificate, as SDP writes it. */
function fingerprintOf(certificate: RTCCertificate | null): CertificateFingerprint | null {
  const value = certificate?.getFingerprints().find((entry) => entry.algorithm === 'sha-256')?.value;
  return value ? normalizeFingerprint(value) : null;
}

/**
 * The identity of the holder of `secretKey`, using `certificate` for its connections; `rotations`
 * are its kept rotation statements, ending at that certificate.
 */
export function identityFromKeys(
  secretKey: Uint8Array,
  certificate: RTCCertificate | null,
  rotations: readonly CertificateRotation[] = [],
): DeviceIdentity {
  const publicKey = ed25519.getPublicKey(secretKey);
  const fingerprint = fingerprintOf(certificate);
  return {
    deviceId: deviceIdFromPublicKey(publicKey),
    publicKey: encodeBase64Url(publicKey),
    certificate,
    certificateFingerprint: fingerprint,
    sign: (message) => ed25519.sign(message, secretKey),
    // Statements are only for the certificate they end at: a connection that shows another one
    // (a host that makes its own per connection) has none to offer.
    certificateRotations: (local) =>
      fingerprint !== null && local === fingerprint && rotations.at(-1)?.to === fingerprint ? rotations : [],
  };
}

/** Signs the statement "this device replaced certificate `from` with `to`" with its key. */
export function signCertificateRotation(
  sign: (message: Uint8Array) => Uint8Array,
  from: CertificateFingerprint,
  to: CertificateFingerprint,
): CertificateRotation {
  return { from, to, signature: encodeBase64Url(sign(certificateRotationPayload(from, to))) };
}

/**
 * The `hello` proof: this device's signature over its own and the other end's fingerprint as
 * this connection's SDP states them (contracts/device-identity.ts, helloProofPayload).
 */
export function signHelloProof(
  identity: Pick<DeviceIdentity, 'sign'>,
  connection: { readonly local: CertificateFingerprint; readonly remote: CertificateFingerprint },
): string {
  return encodeBase64Url(identity.sign(helloProofPayload(connection.local, connection.remote)));
}

export interface LoadIdentityDeps {
  readonly store: IdentityStore;
  /** RTCPeerConnection.generateCertificate; absent where WebRTC certificates cannot be made. */
  readonly generateCertificate?: (keygen: EcKeyGenParams & { expires: number }) => Promise<RTCCertificate>;
  readonly now?: () => number;
}

function browserCertificateMaker(): LoadIdentityDeps['generateCertificate'] {
  const maker = globalThis.RTCPeerConnection as typeof RTCPeerConnection | undefined;
  return maker ? (keygen) => maker.generateCertificate(keygen) : undefined;
}

/**
 * This device's identity from its store, made on first use. Two windows of one profile starting
 * at once both make one, but only the first saved is kept, and both use it (IdentityStore.keep).
 */
export async function loadDeviceIdentity(deps: LoadIdentityDeps): Promise<DeviceIdentity> {
  const now = deps.now ?? Date.now;
  const generate = deps.generateCertificate ?? browserCertificateMaker();
  const makeCertificate = async (): Promise<RTCCertificate | null> =>
    generate ? generate({ name: 'ECDSA', namedCurve: 'P-256', expires: CERTIFICATE_LIFETIME_MS }) : null;
  let stored = await deps.store.load();
  if (!stored) {
    const made: StoredIdentity = {
      version: 1,
      secretKey: generateSecretKey(),
      certificate: await makeCertificate(),
      createdAt: now(),
    };
    stored = await deps.store.keep(made);
  } else if (generate && (!stored.certificate || stored.certificate.expires - now() < RENEW_BEFORE_MS)) {
    const certificate = await makeCertificate();
    const from = fingerprintOf(stored.certificate);
    const to = fingerprintOf(certificate);
    const secretKey = stored.secretKey;
    // Signed now, while both certificates are this device's: the only moment the key vouches for a
    // change of certificate. The latest MAX_CERTIFICATE_ROTATIONS are kept.
    const rotations =
      from !== null && to !== null && from !== to
        ? [
            ...(stored.rotations ?? []),
            signCertificateRotation((message) => ed25519.sign(message, secretKey), from, to),
          ].slice(-MAX_CERTIFICATE_ROTATIONS)
        : (stored.rotations ?? []);
    stored = { ...stored, certificate, rotations };
    await deps.store.replace(stored);
  }
  return identityFromKeys(stored.secretKey, stored.certificate, keptRotations(stored.rotations));
}

/** Stored statements as the hello schema takes them; a damaged list is dropped, never sent. */
function keptRotations(stored: unknown): readonly CertificateRotation[] {
  const parsed = z
    .array(certificateRotationSchema)
    .max(MAX_CERTIFICATE_ROTATIONS)
    .safeParse(stored ?? []);
  return parsed.success ? parsed.data : [];
}
