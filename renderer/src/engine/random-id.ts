/** Unguessable ids from crypto randomness (message ids, device ids). */
export function randomId(bytes = 12): string {
  const buffer = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buffer, (b) => b.toString(16).padStart(2, '0')).join('');
}
