/**
 * Ferry's use of SPAKE2 for pairing by code: who is A and B, what the password is, and the keys
 * derived from the PAKE key for binding the connection and for the verification phrase.
 *
 * The opener (who shows the code) is SPAKE2's party A, the joiner party B. The identities carry the
 * nameplate and the role, so a run cannot be replayed under another nameplate or with the roles
 * swapped. Every key below comes from the PAKE key Ke through HKDF with a label of its own, so no
 * key serves two purposes.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { PairingCode } from '../../../../contracts/pairing-code';
import { bytesEqual } from './bytes';
import { passwordScalar, Spake2, type Spake2Keys } from './spake2';

export type PairingRole = 'opener' | 'joiner';

const PROTOCOL_LABEL = 'ferry/pairing/v1';

export function otherRole(role: PairingRole): PairingRole {
  return role === 'opener' ? 'joiner' : 'opener';
}

/** Starts this device's side of the exchange for `code`. */
export function startPairingPake(code: PairingCode, role: PairingRole): Spake2 {
  return new Spake2({
    role: role === 'opener' ? 'A' : 'B',
    w: passwordScalar(utf8ToBytes(code.secret), utf8ToBytes(`${PROTOCOL_LABEL} ${code.nameplate}`)),
    idA: utf8ToBytes(`${PROTOCOL_LABEL} opener ${code.nameplate}`),
    idB: utf8ToBytes(`${PROTOCOL_LABEL} joiner ${code.nameplate}`),
    aad: utf8ToBytes(PROTOCOL_LABEL),
  });
}

/** The keys a successful pairing yields; they never leave the device. */
export interface PairingKeys {
  /** MACs the DTLS fingerprints each device announces and sees (connection binding). */
  readonly bindingKey: Uint8Array;
  /** Feeds the short phrase both people can compare. */
  readonly phraseSeed: Uint8Array;
}

export function derivePairingKeys(keys: Spake2Keys): PairingKeys {
  // The transcript's hash as salt ties the derived keys to this run as well as to Ke.
  const salt = sha256(keys.transcript);
  const derive = (label: string, length: number) =>
    hkdf(sha256, keys.sharedKey, salt, utf8ToBytes(`${PROTOCOL_LABEL} ${label}`), length);
  return { bindingKey: derive('connection-binding', 32), phraseSeed: derive('verification-phrase', 8) };
}

/**
 * A DTLS fingerprint as SDP writes it (`sha-256 AB:CD:…`), normalised so that both devices MAC
 * the same text: lower-case algorithm, upper-case hex.
 */
export type Fingerprint = string;

function mac(key: Uint8Array, label: string, ...fields: string[]): Uint8Array {
  // Each field is length-prefixed, so no two different field lists give the same input.
  const parts = fields.map((field) => {
    const bytes = utf8ToBytes(field);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, bytes.length);
    return concatBytes(length, bytes);
  });
  return hmac(sha256, key, concatBytes(utf8ToBytes(`${PROTOCOL_LABEL} ${label}`), ...parts));
}

/** What a device sends with its own SDP: its fingerprint, MAC'd with its role. */
export function announceFingerprint(keys: PairingKeys, role: PairingRole, fingerprint: Fingerprint): string {
  return bytesToHex(mac(keys.bindingKey, 'announce', role, fingerprint));
}

export function verifyAnnouncedFingerprint(
  keys: PairingKeys,
  senderRole: PairingRole,
  fingerprint: Fingerprint,
  macHex: string,
): boolean {
  return safeEqualHex(macHex, mac(keys.bindingKey, 'announce', senderRole, fingerprint));
}

/**
 * What a device says once its connection is open: its own view of both ends of the connection it
 * actually negotiated. The other device checks it against its own view, swapped.
 */
export function bindConnection(
  keys: PairingKeys,
  role: PairingRole,
  view: { readonly local: Fingerprint; readonly remote: Fingerprint },
): string {
  return bytesToHex(mac(keys.bindingKey, 'connection', role, view.local, view.remote));
}

export function verifyConnectionBinding(
  keys: PairingKeys,
  senderRole: PairingRole,
  ownView: { readonly local: Fingerprint; readonly remote: Fingerprint },
  macHex: string,
): boolean {
  // The sender's local end is our remote end and the other way round.
  const expected = mac(keys.bindingKey, 'connection', senderRole, ownView.remote, ownView.local);
  return safeEqualHex(macHex, expected);
}

/** Says "what I was relayed does not match": only a holder of the key can say it. */
export function abortMac(keys: PairingKeys, role: PairingRole): string {
  return bytesToHex(mac(keys.bindingKey, 'abort', role));
}

export function verifyAbort(keys: PairingKeys, senderRole: PairingRole, macHex: string): boolean {
  return safeEqualHex(macHex, mac(keys.bindingKey, 'abort', senderRole));
}

function safeEqualHex(macHex: string, expected: Uint8Array): boolean {
  if (!/^[0-9a-f]{64}$/.test(macHex)) return false;
  return bytesEqual(hexToBytes(macHex), expected);
}

/**
 * The short phrase both people can compare after pairing: 8 digits in two groups (`4829 1307`),
 * the same in every language. Equal phrases mean both devices hold the same key; a device in the
 * middle would have to win a 1 in 10^8 draw to show matching phrases on both sides.
 */
export function verificationPhrase(keys: PairingKeys): string {
  let value = 0n;
  for (const byte of keys.phraseSeed) value = (value << 8n) | BigInt(byte);
  const digits = (value % 100_000_000n).toString().padStart(8, '0');
  return `${digits.slice(0, 4)} ${digits.slice(4)}`;
}
