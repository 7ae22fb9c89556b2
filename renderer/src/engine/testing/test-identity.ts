/**
 * A device identity for tests in Node: a fresh Ed25519 key, no RTCCertificate (@roamhq/wrtc makes
 * its own per connection; the hello is bound to whatever fingerprints the SDP states).
 */
import { generateSecretKey, identityFromKeys } from '../identity/device-identity';
import type { LocalIdentity } from '../pairing-attempt';

export function testIdentity(deviceName: string): LocalIdentity {
  return { ...identityFromKeys(generateSecretKey(), null), deviceName, appVersion: '0.0.0-test' };
}
