import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import {
  MAX_CERTIFICATE_ROTATIONS,
  certificateRotationPayload,
  checkHelloIdentity,
  followRotations,
  decodeBase64Url,
  deviceIdFromPublicKey,
  encodeBase64Url,
  helloProofPayload,
  sha256FingerprintInSdp,
} from './device-identity';

const fingerprint = (byte: string) => Array.from({ length: 32 }, () => byte).join(':');
const ADA_FP = fingerprint('AA');
const BOB_FP = fingerprint('BB');

function device() {
  const secretKey = ed25519.utils.randomSecretKey();
  const publicKey = ed25519.getPublicKey(secretKey);
  return { secretKey, publicKey, deviceId: deviceIdFromPublicKey(publicKey) };
}

/** Ada's hello to Bob on a connection where Ada's SDP states ADA_FP and Bob's BOB_FP. */
function adaHello(ada = device(), signer = ada.secretKey) {
  return {
    deviceId: ada.deviceId,
    publicKey: encodeBase64Url(ada.publicKey),
    certificateFingerprint: ADA_FP,
    identityProof: encodeBase64Url(ed25519.sign(helloProofPayload(ADA_FP, BOB_FP), signer)),
  };
}
const atBob = { local: BOB_FP, remote: ADA_FP };

describe('device identity', () => {
  it('derives a 128-bit hex device id from the public key, the same every time', () => {
    const { publicKey, deviceId } = device();
    expect(deviceId).toMatch(/^[0-9a-f]{32}$/);
    expect(deviceIdFromPublicKey(publicKey)).toBe(deviceId);
    expect(deviceIdFromPublicKey(device().publicKey)).not.toBe(deviceId);
  });

  it('round-trips base64url and refuses other text', () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => i * 4);
    const text = encodeBase64Url(bytes);
    expect(text).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(decodeBase64Url(text)).toEqual(bytes);
    expect(decodeBase64Url('not base64!')).toBeNull();
  });

  it('reads the SHA-256 fingerprint from an SDP, in either case', () => {
    const sdp = `v=0\r\na=group:BUNDLE 0\r\na=fingerprint:sha-256 ${ADA_FP.toLowerCase()}\r\na=setup:actpass\r\n`;
    expect(sha256FingerprintInSdp(sdp)).toBe(ADA_FP);
    expect(sha256FingerprintInSdp('v=0\r\na=fingerprint:sha-1 AB:CD\r\n')).toBeNull();
  });

  it('accepts a hello signed by the key its device id derives from, on this connection', () => {
    expect(checkHelloIdentity(adaHello(), atBob)).toBeNull();
  });

  it('refuses a device id claimed with another key', () => {
    const ada = device();
    const mallory = device();
    const claim = { ...adaHello(mallory), deviceId: ada.deviceId };
    expect(checkHelloIdentity(claim, atBob)).toBe('device-id-mismatch');
  });

  it('refuses a hello with the right public key but signed without its secret key', () => {
    const ada = device();
    expect(checkHelloIdentity(adaHello(ada, device().secretKey), atBob)).toBe('bad-proof');
  });

  it('refuses a certificate other than the one on this connection', () => {
    expect(checkHelloIdentity(adaHello(), { local: BOB_FP, remote: fingerprint('CC') })).toBe(
      'fingerprint-mismatch',
    );
  });

  it('refuses a proof made for another connection (a relay in the middle of DTLS)', () => {
    // The relay's own certificate faces Ada: Ada signed (ADA_FP, RELAY_FP), Bob sees (ADA_FP, BOB_FP)…
    const ada = device();
    const relayed = {
      ...adaHello(ada),
      identityProof: encodeBase64Url(
        ed25519.sign(helloProofPayload(ADA_FP, fingerprint('EE')), ada.secretKey),
      ),
    };
    expect(checkHelloIdentity(relayed, atBob)).toBe('bad-proof');
    // …and a proof sent back in the other direction is not the sender's either.
    const reflected = {
      ...adaHello(ada),
      identityProof: encodeBase64Url(ed25519.sign(helloProofPayload(BOB_FP, ADA_FP), ada.secretKey)),
    };
    expect(checkHelloIdentity(reflected, atBob)).toBe('bad-proof');
  });
});

describe('certificate rotation statements', () => {
  const rotation = (from: string, to: string, secretKey: Uint8Array) => ({
    from,
    to,
    signature: encodeBase64Url(ed25519.sign(certificateRotationPayload(from, to), secretKey)),
  });
  const CC_FP = fingerprint('CC');

  it('accepts the pinned certificate itself, and a chain of statements from it signed by the pinned key', () => {
    const bob = device();
    const key = encodeBase64Url(bob.publicKey);
    expect(followRotations(ADA_FP, ADA_FP, [], key)).toBe(true);
    const chain = [rotation(ADA_FP, BOB_FP, bob.secretKey), rotation(BOB_FP, CC_FP, bob.secretKey)];
    expect(followRotations(ADA_FP, CC_FP, chain, key)).toBe(true);
    // Any order; and a device that pinned the middle one follows from there.
    expect(followRotations(ADA_FP, CC_FP, [...chain].reverse(), key)).toBe(true);
    expect(followRotations(BOB_FP, CC_FP, chain, key)).toBe(true);
    // Lower-case hex in a statement is the same fingerprint.
    expect(
      followRotations(ADA_FP.toLowerCase(), BOB_FP, [rotation(ADA_FP, BOB_FP, bob.secretKey)], key),
    ).toBe(true);
  });

  it('refuses a missing link, another key, a statement for another certificate, and goes nowhere in a loop', () => {
    const bob = device();
    const mallory = device();
    const key = encodeBase64Url(bob.publicKey);
    expect(followRotations(ADA_FP, CC_FP, [], key)).toBe(false);
    expect(followRotations(ADA_FP, CC_FP, [rotation(BOB_FP, CC_FP, bob.secretKey)], key)).toBe(false);
    expect(followRotations(ADA_FP, CC_FP, [rotation(ADA_FP, CC_FP, mallory.secretKey)], key)).toBe(false);
    expect(followRotations(ADA_FP, CC_FP, [rotation(ADA_FP, BOB_FP, bob.secretKey)], key)).toBe(false);
    // A signature over (from, to) does not vouch for (to, from).
    const forward = rotation(ADA_FP, CC_FP, bob.secretKey);
    expect(followRotations(CC_FP, ADA_FP, [{ ...forward, from: CC_FP, to: ADA_FP }], key)).toBe(false);
    const loop = [rotation(ADA_FP, BOB_FP, bob.secretKey), rotation(BOB_FP, ADA_FP, bob.secretKey)];
    expect(followRotations(ADA_FP, CC_FP, loop, key)).toBe(false);
    expect(followRotations(ADA_FP, CC_FP, [rotation(ADA_FP, CC_FP, bob.secretKey)], 'not a key')).toBe(false);
  });

  it('reads at most MAX_CERTIFICATE_ROTATIONS statements', () => {
    const bob = device();
    const steps = Array.from({ length: MAX_CERTIFICATE_ROTATIONS + 2 }, (_, i) =>
      fingerprint((16 + i).toString(16).toUpperCase()),
    );
    const chain = steps.slice(1).map((to, i) => rotation(steps[i]!, to, bob.secretKey));
    const key = encodeBase64Url(bob.publicKey);
    expect(followRotations(steps[0]!, steps.at(-1)!, chain, key)).toBe(false);
    expect(followRotations(steps[2]!, steps.at(-1)!, chain.slice(2), key)).toBe(true);
  });
});
