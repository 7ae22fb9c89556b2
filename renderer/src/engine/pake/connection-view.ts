/**
 * One device's view of the DTLS identities of a WebRTC connection it negotiated: its own
 * certificate's fingerprint (from its local description) and the other end's (from the remote
 * description, which the DTLS handshake checked the other end's certificate against).
 *
 * Where the browser reports certificate statistics, they are cross-checked against the
 * descriptions: the certificate actually used must be the one the description names.
 */
import type { Fingerprint } from './pairing-pake';
import { normaliseFingerprint, sdpFingerprint } from './sdp-fingerprint';

export interface ConnectionView {
  readonly local: Fingerprint;
  readonly remote: Fingerprint;
}

type StatsEntry = Record<string, unknown>;

/** The view, or null when it cannot be read or the statistics contradict the descriptions. */
export async function readConnectionView(pc: RTCPeerConnection): Promise<ConnectionView | null> {
  const local = sdpFingerprint(pc.localDescription?.sdp ?? '');
  const remote = sdpFingerprint(pc.remoteDescription?.sdp ?? '');
  if (local === null || remote === null) return null;
  let stats: RTCStatsReport;
  try {
    stats = await pc.getStats();
  } catch {
    // Some implementations (Node's wrtc) have no stats for a closed or odd connection: the
    // descriptions are what the DTLS handshake checked, so they stand on their own.
    return { local, remote };
  }
  const entries = new Map<string, StatsEntry>();
  stats.forEach((entry: StatsEntry) => {
    if (typeof entry['id'] === 'string') entries.set(entry['id'], entry);
  });
  const certificate = (id: unknown): Fingerprint | null | undefined => {
    if (typeof id !== 'string') return undefined;
    const entry = entries.get(id);
    if (!entry) return undefined;
    const { fingerprint, fingerprintAlgorithm } = entry;
    if (typeof fingerprint !== 'string' || typeof fingerprintAlgorithm !== 'string') return null;
    return normaliseFingerprint(fingerprintAlgorithm, fingerprint);
  };
  for (const entry of entries.values()) {
    if (entry['type'] !== 'transport') continue;
    const usedLocal = certificate(entry['localCertificateId']);
    const usedRemote = certificate(entry['remoteCertificateId']);
    // undefined: not reported (nothing to check); otherwise it must match the descriptions.
    if (usedLocal !== undefined && usedLocal !== local) return null;
    if (usedRemote !== undefined && usedRemote !== remote) return null;
  }
  return { local, remote };
}
