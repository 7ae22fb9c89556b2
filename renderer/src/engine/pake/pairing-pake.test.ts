import { describe, expect, it } from 'vitest';
import {
  bindConnection,
  derivePairingKeys,
  startPairingPake,
  verificationPhrase,
  verifyConnectionBinding,
  type PairingKeys,
} from './pairing-pake';
import { sdpFingerprint } from './sdp-fingerprint';

function pairedKeys(openerSecret: string, joinerSecret: string): [PairingKeys, PairingKeys] | null {
  const opener = startPairingPake({ nameplate: 'K7M', secret: openerSecret }, 'opener');
  const joiner = startPairingPake({ nameplate: 'K7M', secret: joinerSecret }, 'joiner');
  const a = opener.finish(joiner.share);
  const b = joiner.finish(opener.share);
  if (!a.ok || !b.ok) return null;
  const keysA = a.verify(b.confirmation);
  const keysB = b.verify(a.confirmation);
  return keysA && keysB ? [derivePairingKeys(keysA), derivePairingKeys(keysB)] : null;
}

const FP = (byte: string) => `sha-256 ${Array.from({ length: 32 }, () => byte).join(':')}`;

describe('pairing keys', () => {
  it('give both devices the same verification phrase, 8 digits in two groups', () => {
    const keys = pairedKeys('Q2XH', 'Q2XH');
    if (!keys) throw new Error('the right code did not confirm');
    expect(verificationPhrase(keys[0])).toMatch(/^\d{4} \d{4}$/);
    expect(verificationPhrase(keys[0])).toBe(verificationPhrase(keys[1]));
  });

  it('do not exist for different secrets', () => {
    expect(pairedKeys('Q2XH', 'Q2XJ')).toBeNull();
  });

  it('accept a connection binding only from the other role with the swapped view', () => {
    const keys = pairedKeys('Q2XH', 'Q2XH');
    if (!keys) throw new Error('the right code did not confirm');
    const [opener, joiner] = keys;
    const mac = bindConnection(joiner, 'joiner', { local: FP('BB'), remote: FP('AA') });
    expect(verifyConnectionBinding(opener, 'joiner', { local: FP('AA'), remote: FP('BB') }, mac)).toBe(true);
    // A middle with its own certificate towards either side shows in one of the views.
    expect(verifyConnectionBinding(opener, 'joiner', { local: FP('AA'), remote: FP('CC') }, mac)).toBe(false);
    expect(verifyConnectionBinding(opener, 'opener', { local: FP('AA'), remote: FP('BB') }, mac)).toBe(false);
    expect(verifyConnectionBinding(opener, 'joiner', { local: FP('AA'), remote: FP('BB') }, 'zz')).toBe(
      false,
    );
  });
});

describe('sdpFingerprint', () => {
  it('reads the fingerprint, normalised, from a session or media section', () => {
    const value = Array.from({ length: 32 }, () => 'ab').join(':');
    expect(
      sdpFingerprint(
        `v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=fingerprint:SHA-256 ${value}\r\n`,
      ),
    ).toBe(`sha-256 ${value.toUpperCase()}`);
  });

  it('accepts the same fingerprint repeated, but not none or two different ones', () => {
    const one = `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`;
    const two = `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'CD').join(':')}`;
    expect(sdpFingerprint(`${one}\r\n${one}\r\n`)).not.toBeNull();
    expect(sdpFingerprint(`${one}\r\n${two}\r\n`)).toBeNull();
    expect(sdpFingerprint('v=0\r\n')).toBeNull();
    expect(sdpFingerprint('a=fingerprint:sha-256 nothex\r\n')).toBeNull();
  });
});
