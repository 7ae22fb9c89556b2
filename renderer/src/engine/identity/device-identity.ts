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
 * renewed, with the same key, when it has less than RENEW_BEFORE_MS left. A peer that pinned the
 * old fingerprint accepts the new one only in a hello signed by the pinned key (see
 * remembered-peer checks), so a renewal never needs a new code and a swapped certificate without
 * the key is still refused.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  deviceIdFromPublicKey,
  encodeBase64Url,
  helloProofPayload,
  normalizeFingerprint,
  type CertificateFingerprint,
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
}

/** A fresh Ed25519 secret key from the platform's crypto randomness. */
export function generateSecretKey(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}

/** The identity of the holder of `secretKey`, using `certificate` for its connections. */
export function identityFromKeys(secretKey: Uint8Array, certificate: RTCCertificate | null): DeviceIdentity {
  const publicKey = ed25519.getPublicKey(secretKey);
  const fingerprint = certificate?.getFingerprints().find((entry) => entry.algorithm === 'sha-256')?.value;
  return {
    deviceId: deviceIdFromPublicKey(publicKey),
    publicKey: encodeBase64Url(publicKey),
    certificate,
    certificateFingerprint: fingerprint ? normalizeFingerprint(fingerprint) : null,
    sign: (message) => ed25519.sign(message, secretKey),
  };
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
    stored = { ...stored, certificate: await makeCertificate() };
    await deps.store.replace(stored);
  }
  return identityFromKeys(stored.secretKey, stored.certificate);
}
