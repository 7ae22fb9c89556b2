/**
 * A device identity for tests in Node: a fresh Ed25519 key, no RTCCertificate (@roamhq/wrtc makes
 * its own per connection; the hello is bound to whatever fingerprints the SDP states).
 *
 * Such a device changes certificate on every connection, so it does what a real device does at a
 * renewal, each time: it signs a rotation statement from the certificate it used last to the one
 * it uses now. A device that pinned any earlier one then follows the chain to the current one
 * (presence/reconnector.ts), exactly as it would after yearly renewals.
 */
import {
  MAX_CERTIFICATE_ROTATIONS,
  type CertificateFingerprint,
  type CertificateRotation,
} from '../../../../contracts/device-identity';
import { generateSecretKey, identityFromKeys, signCertificateRotation } from '../identity/device-identity';
import type { LocalIdentity } from '../pairing-attempt';

export function testIdentity(deviceName: string, secretKey: Uint8Array = generateSecretKey()): LocalIdentity {
  const identity = identityFromKeys(secretKey, null);
  const used: CertificateFingerprint[] = [];
  const links: CertificateRotation[] = [];
  return {
    ...identity,
    deviceName,
    appVersion: '0.0.0-test',
    certificateRotations: (local) => {
      if (!used.includes(local)) {
        const last = used.at(-1);
        if (last !== undefined) links.push(signCertificateRotation(identity.sign, last, local));
        used.push(local);
      }
      const upTo = links.findIndex((link) => link.to === local);
      return upTo < 0 ? [] : links.slice(Math.max(0, upTo + 1 - MAX_CERTIFICATE_ROTATIONS), upTo + 1);
    },
  };
}
