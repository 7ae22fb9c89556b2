/**
 * The identity half of `hello`: what this device says about itself on a connection, and the check
 * of what the other device said, both bound to the fingerprints in that connection's SDP.
 *
 * The fingerprints are read from the local and remote descriptions: DTLS (RFC 8842 §5) refuses a
 * peer whose certificate does not match the remote description's fingerprint, so a signature over
 * the two can only come from the holder of the signing key talking over this very DTLS session.
 */
import {
  checkHelloIdentity,
  sha256FingerprintInSdp,
  type CertificateFingerprint,
  type CertificateRotation,
  type HelloIdentity,
  type HelloIdentityFailure,
} from '../../../../contracts/device-identity';
import { signHelloProof, type DeviceIdentity } from './device-identity';

export interface ConnectionFingerprints {
  readonly local: CertificateFingerprint;
  readonly remote: CertificateFingerprint;
}

/** Both ends' fingerprints once both descriptions are set; null before (or with none in the SDP). */
export function connectionFingerprints(
  connection: Pick<RTCPeerConnection, 'localDescription' | 'remoteDescription'>,
): ConnectionFingerprints | null {
  const local = sha256FingerprintInSdp(connection.localDescription?.sdp ?? '');
  const remote = sha256FingerprintInSdp(connection.remoteDescription?.sdp ?? '');
  return local && remote ? { local, remote } : null;
}

/** The identity fields of this device's `hello` on a connection with these fingerprints. */
export function helloIdentity(
  identity: Pick<DeviceIdentity, 'deviceId' | 'publicKey' | 'sign' | 'certificateRotations'>,
  fingerprints: ConnectionFingerprints,
): HelloIdentity & { readonly certificateRotations?: CertificateRotation[] } {
  const rotations = identity.certificateRotations(fingerprints.local);
  return {
    deviceId: identity.deviceId,
    publicKey: identity.publicKey,
    certificateFingerprint: fingerprints.local,
    identityProof: signHelloProof(identity, fingerprints),
    // How a device that pinned an older certificate of ours accepts this one.
    ...(rotations.length > 0 ? { certificateRotations: [...rotations] } : {}),
  };
}

/** Why a connection's other end is refused (see checkHelloIdentity), or null when it holds. */
export function checkPeerHello(
  hello: HelloIdentity,
  fingerprints: ConnectionFingerprints | null,
): HelloIdentityFailure | null {
  if (!fingerprints) return 'fingerprint-mismatch';
  return checkHelloIdentity(hello, fingerprints);
}
