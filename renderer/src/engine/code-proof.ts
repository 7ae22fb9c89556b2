/**
 * End-to-end check of the secret half of a pairing code.
 *
 * The signaling service only ever sees the nameplate. Once the data channel is open, each device
 * sends a digest of (nameplate, secret, its role); the other recomputes it from the code it knows.
 * A joiner who typed the wrong secret is turned away with "the code didn't match", and the code is
 * burned on the service. This stands in until the SPAKE2 exchange (ARCHITECTURE.md, Pairing) binds
 * the secret to the handshake itself; unlike a PAKE, it does not stop a malicious service that
 * relays both ends of the channel.
 *
 * SHA-256 comes from @noble/hashes, not WebCrypto: a browser that opened Ferry from the desktop's QR
 * code (http://<LAN address>) is not a secure context and has no `crypto.subtle`, and pairing must
 * work there.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { PairingCode } from '../../../contracts/pairing-code';

export type PairingRole = 'opener' | 'joiner';

/** Resolves at once (the hash is synchronous); a promise so callers need not change when SPAKE2 replaces it. */
export function computeCodeProof(code: PairingCode, role: PairingRole): Promise<string> {
  const input = utf8ToBytes(`ferry-code-proof/1\n${code.nameplate}\n${code.secret}\n${role}`);
  return Promise.resolve(bytesToHex(sha256(input)));
}

/** Compares without an early exit so timing does not tell how much of a proof was right. */
export function proofsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
