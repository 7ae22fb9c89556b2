/**
 * End-to-end check of the secret half of a pairing code.
 *
 * The signaling service only ever sees the nameplate. Once the data channel is open, each device
 * sends a digest of (nameplate, secret, its role); the other recomputes it from the code it knows.
 * A joiner who typed the wrong secret is turned away with "the code didn't match", and the code is
 * burned on the service. This stands in until the SPAKE2 exchange (ARCHITECTURE.md, Pairing) binds
 * the secret to the handshake itself; unlike a PAKE, it does not stop a malicious service that
 * relays both ends of the channel.
 */
import type { PairingCode } from '../../../contracts/pairing-code';

export type PairingRole = 'opener' | 'joiner';

export async function computeCodeProof(code: PairingCode, role: PairingRole): Promise<string> {
  const input = new TextEncoder().encode(`ferry-code-proof/1\n${code.nameplate}\n${code.secret}\n${role}`);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', input);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compares without an early exit so timing does not tell how much of a proof was right. */
export function proofsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
