/**
 * Reads the DTLS certificate fingerprint out of an SDP (RFC 8122, `a=fingerprint:`), the value a
 * WebRTC endpoint checks the other end's certificate against during the DTLS handshake.
 */
import type { Fingerprint } from './pairing-pake';

const FINGERPRINT_LINE = /^a=fingerprint:([A-Za-z0-9-]{1,16}) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){15,63})\s*$/;

export function normaliseFingerprint(algorithm: string, value: string): Fingerprint {
  return `${algorithm.toLowerCase()} ${value.toUpperCase()}`;
}

/**
 * The one fingerprint an SDP names, or null when it names none, or several different ones (a
 * bundle of media sections normally repeats the same certificate; different ones are not something
 * Ferry produces, so they are treated as unreadable rather than guessed between).
 */
export function sdpFingerprint(sdp: string): Fingerprint | null {
  const found = new Set<Fingerprint>();
  for (const line of sdp.split(/\r?\n/)) {
    const match = FINGERPRINT_LINE.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined)
      found.add(normaliseFingerprint(match[1], match[2]));
  }
  if (found.size !== 1) return null;
  return [...found][0] ?? null;
}
