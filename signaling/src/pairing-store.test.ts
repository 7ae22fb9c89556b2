import { describe, expect, it } from 'vitest';
import { isNameplate } from '../../contracts/pairing-code';
import type { Result } from '../../contracts/result';
import { createPairingStore, type ExpiredNameplate, type PairingStoreOptions } from './pairing-store';
import { createManualClock } from './testing/manual-clock';

const TTL_MS = 60_000;
const RETENTION_MS = 3_600_000;

function setup(overrides: Partial<PairingStoreOptions> = {}) {
  const clock = createManualClock();
  const store = createPairingStore({
    clock,
    codeTtlMs: TTL_MS,
    endedNameplateRetentionMs: RETENTION_MS,
    ...overrides,
  });
  const expired: ExpiredNameplate[] = [];
  store.onExpired((event) => expired.push(event));
  return { clock, store, expired };
}

function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}`);
  return result.value;
}

function codeOf(result: Result<unknown>): string | undefined {
  return result.ok ? undefined : result.error.code;
}

describe('pairing store', () => {
  it('opens a crypto-random nameplate that expires after the TTL', () => {
    const { clock, store } = setup();
    const opened = valueOf(store.open('a'));
    expect(isNameplate(opened.nameplate)).toBe(true);
    expect(opened.expiresAt).toBe(clock.now() + TTL_MS);
  });

  it('opens exactly the nameplate asked for when it is free, and refuses one in use or just ended', () => {
    const { store } = setup();
    expect(valueOf(store.open('a', 'K7M')).nameplate).toBe('K7M');
    expect(codeOf(store.open('b', 'K7M'))).toBe('NAMEPLATE_TAKEN');
    valueOf(store.join('c', 'K7M'));
    store.leave('a');
    // Recently ended nameplates stay reserved, so a late joiner gets "already used", not a stranger.
    expect(codeOf(store.open('d', 'K7M'))).toBe('NAMEPLATE_TAKEN');
    expect(valueOf(store.open('d', 'Q2X')).nameplate).toBe('Q2X');
  });

  it('pairs the joiner with the opener, both ways', () => {
    const { store } = setup();
    const { nameplate } = valueOf(store.open('a'));
    expect(store.peerOf('a')).toBeUndefined();
    expect(valueOf(store.join('b', nameplate))).toEqual({ openerSocketId: 'a' });
    expect(store.peerOf('a')).toBe('b');
    expect(store.peerOf('b')).toBe('a');
    expect(store.peerOf('c')).toBeUndefined();
  });

  it('refuses a socket that is already in a pairing, including joining its own nameplate', () => {
    const { store } = setup();
    const { nameplate } = valueOf(store.open('a'));
    expect(codeOf(store.open('a'))).toBe('ALREADY_PAIRED');
    expect(codeOf(store.join('a', nameplate))).toBe('ALREADY_PAIRED');
    const other = valueOf(store.open('c')).nameplate;
    valueOf(store.join('b', nameplate));
    expect(codeOf(store.join('b', other))).toBe('ALREADY_PAIRED');
  });

  it('answers CODE_NOT_FOUND for a nameplate never opened', () => {
    const { store } = setup();
    expect(codeOf(store.join('b', 'ZZZ'))).toBe('CODE_NOT_FOUND');
  });

  it('answers PAIR_FULL to a third socket while the pair is alive', () => {
    const { store } = setup();
    const { nameplate } = valueOf(store.open('a'));
    valueOf(store.join('b', nameplate));
    expect(codeOf(store.join('c', nameplate))).toBe('PAIR_FULL');
  });

  it('expires an unjoined nameplate: tells the listener once and answers CODE_EXPIRED afterwards', () => {
    const { clock, store, expired } = setup();
    const { nameplate } = valueOf(store.open('a'));
    clock.advance(TTL_MS - 1);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toEqual([{ nameplate, openerSocketId: 'a' }]);
    expect(codeOf(store.join('b', nameplate))).toBe('CODE_EXPIRED');
    expect(store.leave('a')).toBeUndefined();
    expect(valueOf(store.open('a')).nameplate).not.toBe(nameplate);
  });

  it('treats the deadline as binding even if the expiry timer has not fired yet', () => {
    const clock = createManualClock();
    const lateTimers = { ...clock, setTimeout: () => ({}), clearTimeout: () => undefined };
    const store = createPairingStore({ clock: lateTimers, codeTtlMs: TTL_MS });
    const expired: ExpiredNameplate[] = [];
    store.onExpired((event) => expired.push(event));
    const { nameplate } = valueOf(store.open('a'));
    clock.advance(TTL_MS);
    expect(codeOf(store.join('b', nameplate))).toBe('CODE_EXPIRED');
    expect(expired).toEqual([{ nameplate, openerSocketId: 'a' }]);
  });

  it('looks a nameplate up exactly as a join would answer, without joining or ending anything', () => {
    const clock = createManualClock();
    const lateTimers = { ...clock, setTimeout: () => ({}), clearTimeout: () => undefined };
    const store = createPairingStore({ clock: lateTimers, codeTtlMs: TTL_MS });
    expect(codeOf(store.lookup('ZZZ'))).toBe('CODE_NOT_FOUND');
    const { nameplate } = valueOf(store.open('a'));
    // Looking up twice leaves the code joinable: nothing was used up.
    expect(store.lookup(nameplate)).toEqual({ ok: true, value: null });
    expect(store.lookup(nameplate)).toEqual({ ok: true, value: null });
    expect(store.peerOf('a')).toBeUndefined();
    valueOf(store.join('b', nameplate));
    expect(codeOf(store.lookup(nameplate))).toBe('PAIR_FULL');
    // The pair is untouched by the lookup.
    expect(store.peerOf('a')).toBe('b');
    store.leave('b');
    expect(codeOf(store.lookup(nameplate))).toBe('CODE_USED');

    const late = valueOf(store.open('c')).nameplate;
    clock.advance(TTL_MS);
    // Past the deadline with its timer late: expired, and the lookup does not end it itself.
    expect(codeOf(store.lookup(late))).toBe('CODE_EXPIRED');
    expect(codeOf(store.open('c'))).toBe('ALREADY_PAIRED');
  });

  it('does not expire a nameplate once joined', () => {
    const { clock, store, expired } = setup();
    const { nameplate } = valueOf(store.open('a'));
    valueOf(store.join('b', nameplate));
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(TTL_MS * 10);
    expect(expired).toEqual([]);
    expect(store.peerOf('a')).toBe('b');
  });

  it('ends an unjoined pairing when its opener leaves: nobody to tell, later joins get CODE_EXPIRED', () => {
    const { clock, store, expired } = setup();
    const { nameplate } = valueOf(store.open('a'));
    expect(store.leave('a')).toEqual({ peerSocketId: undefined });
    expect(clock.pendingTimers()).toBe(0);
    expect(codeOf(store.join('b', nameplate))).toBe('CODE_EXPIRED');
    clock.advance(TTL_MS);
    expect(expired).toEqual([]);
  });

  it('ends a complete pair when either side leaves, names the peer, and makes the code single-use', () => {
    for (const leaver of ['a', 'b'] as const) {
      const { store } = setup();
      const { nameplate } = valueOf(store.open('a'));
      valueOf(store.join('b', nameplate));
      expect(store.leave(leaver)).toEqual({ peerSocketId: leaver === 'a' ? 'b' : 'a' });
      expect(store.leave(leaver === 'a' ? 'b' : 'a')).toBeUndefined();
      expect(store.peerOf('a')).toBeUndefined();
      expect(store.peerOf('b')).toBeUndefined();
      expect(codeOf(store.join('c', nameplate))).toBe('CODE_USED');
      // Both sockets are free to pair again.
      valueOf(store.open('a'));
      valueOf(store.open('b'));
    }
  });

  it('forgets ended nameplates after the retention period', () => {
    const { clock, store } = setup();
    const { nameplate } = valueOf(store.open('a'));
    store.leave('a');
    clock.advance(RETENTION_MS - 1);
    expect(codeOf(store.join('b', nameplate))).toBe('CODE_EXPIRED');
    clock.advance(1);
    expect(codeOf(store.join('b', nameplate))).toBe('CODE_NOT_FOUND');
  });

  it('never hands out a nameplate that is live or recently ended', () => {
    const draws = ['AAA', 'AAA', 'BBB', 'AAA', 'BBB', 'CCC', 'AAA'];
    const clock = createManualClock();
    const store = createPairingStore({
      clock,
      endedNameplateRetentionMs: RETENTION_MS,
      generateNameplate: () => draws.shift() ?? 'ZZZ',
    });
    expect(valueOf(store.open('a')).nameplate).toBe('AAA');
    expect(valueOf(store.open('b')).nameplate).toBe('BBB');
    store.leave('a');
    store.leave('b');
    expect(valueOf(store.open('c')).nameplate).toBe('CCC');
    clock.advance(RETENTION_MS);
    expect(valueOf(store.open('d')).nameplate).toBe('AAA');
  });

  it('answers UNAVAILABLE instead of looping when no free nameplate can be found', () => {
    const { store } = setup({ generateNameplate: () => 'AAA' });
    valueOf(store.open('a'));
    expect(codeOf(store.open('b'))).toBe('UNAVAILABLE');
  });

  it('refuses a code lifetime that a timer cannot represent', () => {
    const clock = createManualClock();
    for (const codeTtlMs of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      expect(() => createPairingStore({ clock, codeTtlMs })).toThrow(RangeError);
    }
  });

  it('stops every timer on dispose', () => {
    const { clock, store, expired } = setup();
    valueOf(store.open('a'));
    valueOf(store.open('b'));
    store.dispose();
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(TTL_MS);
    expect(expired).toEqual([]);
  });

  it('stops telling a listener that unsubscribed', () => {
    const { clock, store } = setup();
    const heard: ExpiredNameplate[] = [];
    const unsubscribe = store.onExpired((event) => heard.push(event));
    unsubscribe();
    valueOf(store.open('a'));
    clock.advance(TTL_MS);
    expect(heard).toEqual([]);
  });
});
