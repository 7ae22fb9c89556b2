/** Byte helpers for the pairing crypto. */

/**
 * Compares without an early exit, so the time taken does not tell an attacker how many leading
 * bytes of a MAC it got right. Lengths are public (every MAC here has a fixed size).
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
