import { describe, expect, it } from 'vitest';
import { isNameplate } from '../../contracts/pairing-code';
import type { Result } from '../../contracts/result';
import { nameplateAt } from './nameplate-space';
import { createPairingStore, type ExpiredNameplate, type PairingStoreOptions } from './pairing-store';
import { createManualClock } from './testing/manual-clock';

const TTL_MS = 60_000;

function setup(overrides: Partial<PairingStoreOptions> = {}) {
  const clock = createManualClock();
  const store = createPairingStore({ clock, codeTtlMs: TTL_MS, allocation: 'lowest-free', ...overrides });
  const expired: ExpiredNameplate[] = [];
  store.onExpired((event) => expired.push(event));
  /** Each socket its own address unless a test says otherwise. */
  const open = (socketId: string, owner = `addr-${socketId}`) => store.open(socketId, { owner });
  return { clock, store, expired, open };
}

function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}`);
  return result.value;
}

function codeOf(result: Result<unknown>): string | undefined {
  return result.ok ? undefined : result.error.code;
}

describe('pairing store', () => {
  it('opens the lowest free nameplate, which expires after the TTL', () => {
    const { clock, open } = setup();
    const opened = valueOf(open('a'));
    expect(opened.nameplate).toBe(nameplateAt(0));
    expect(isNameplate(opened.nameplate)).toBe(true);
    expect(opened.expiresAt).toBe(clock.now() + TTL_MS);
    expect(valueOf(open('b')).nameplate).toBe(nameplateAt(1));
  });

  it('opens exactly the nameplate asked for when it is free, and refuses one in use or just ended', () => {
    const { store } = setup();
    const open = (socketId: string, nameplate: string) =>
      store.open(socketId, { owner: socketId, nameplate });
    expect(valueOf(open('a', 'K7M')).nameplate).toBe('K7M');
    expect(codeOf(open('b', 'K7M'))).toBe('NAMEPLATE_TAKEN');
    valueOf(store.join('c', 'K7M'));
    store.leave('a');
    // Recently ended nameplates stay reserved, so a late joiner gets "already used", not a stranger.
    expect(codeOf(open('d', 'K7M'))).toBe('NAMEPLATE_TAKEN');
    expect(valueOf(open('d', 'Q2X')).nameplate).toBe('Q2X');
  });

  it('pairs the joiner with the opener, both ways', () => {
    const { store, open } = setup();
    const { nameplate } = valueOf(open('a'));
    expect(store.peerOf('a')).toBeUndefined();
    expect(valueOf(store.join('b', nameplate))).toEqual({ openerSocketId: 'a' });
    expect(store.peerOf('a')).toBe('b');
    expect(store.peerOf('b')).toBe('a');
    expect(store.peerOf('c')).toBeUndefined();
  });

  it('refuses a socket that is already in a pairing, including joining its own nameplate', () => {
    const { store, open } = setup();
    const { nameplate } = valueOf(open('a'));
    expect(codeOf(open('a'))).toBe('ALREADY_PAIRED');
    expect(codeOf(store.join('a', nameplate))).toBe('ALREADY_PAIRED');
    const other = valueOf(open('c')).nameplate;
    valueOf(store.join('b', nameplate));
    expect(codeOf(store.join('b', other))).toBe('ALREADY_PAIRED');
  });

  it('answers CODE_NOT_FOUND for a nameplate never opened', () => {
    const { store } = setup();
    expect(codeOf(store.join('b', 'ZZZ'))).toBe('CODE_NOT_FOUND');
  });

  it('frees the nameplate as soon as the second device joins; the pair goes on', () => {
    const { store, open } = setup();
    const { nameplate } = valueOf(open('a'));
    valueOf(store.join('b', nameplate));
    expect(store.openCount()).toBe(0);
    expect(codeOf(store.join('c', nameplate))).toBe('CODE_USED');
    // The next opener gets the same, lowest, nameplate; the first pair is untouched.
    expect(valueOf(open('d')).nameplate).toBe(nameplate);
    expect(store.peerOf('a')).toBe('b');
    expect(valueOf(store.join('c', nameplate))).toEqual({ openerSocketId: 'd' });
  });

  it('expires an unjoined nameplate: tells the listener once and answers CODE_EXPIRED afterwards', () => {
    const { clock, store, expired, open } = setup();
    const { nameplate } = valueOf(open('a'));
    clock.advance(TTL_MS - 1);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toEqual([{ nameplate, openerSocketId: 'a' }]);
    expect(codeOf(store.join('b', nameplate))).toBe('CODE_EXPIRED');
    expect(store.leave('a')).toBeUndefined();
    expect(store.openCount()).toBe(0);
  });

  it('treats the deadline as binding even if the expiry timer has not fired yet', () => {
    const clock = createManualClock();
    const lateTimers = { ...clock, setTimeout: () => ({}), clearTimeout: () => undefined };
    const store = createPairingStore({ clock: lateTimers, codeTtlMs: TTL_MS });
    const expired: ExpiredNameplate[] = [];
    store.onExpired((event) => expired.push(event));
    const { nameplate } = valueOf(store.open('a', { owner: 'x' }));
    clock.advance(TTL_MS);
    expect(codeOf(store.join('b', nameplate))).toBe('CODE_EXPIRED');
    expect(expired).toEqual([{ nameplate, openerSocketId: 'a' }]);
  });

  it('looks a nameplate up exactly as a join would answer, without joining or ending anything', () => {
    const clock = createManualClock();
    const lateTimers = { ...clock, setTimeout: () => ({}), clearTimeout: () => undefined };
    const store = createPairingStore({ clock: lateTimers, codeTtlMs: TTL_MS });
    expect(codeOf(store.lookup('ZZZ'))).toBe('CODE_NOT_FOUND');
    const { nameplate } = valueOf(store.open('a', { owner: 'x' }));
    // Looking up twice leaves the code joinable: nothing was used up.
    expect(store.lookup(nameplate)).toEqual({ ok: true, value: null });
    expect(store.lookup(nameplate)).toEqual({ ok: true, value: null });
    expect(store.peerOf('a')).toBeUndefined();
    valueOf(store.join('b', nameplate));
    // Joined: the nameplate is free again, and a lookup says why it cannot be joined.
    expect(codeOf(store.lookup(nameplate))).toBe('CODE_USED');
    // The pair is untouched by the lookup.
    expect(store.peerOf('a')).toBe('b');

    const late = valueOf(store.open('c', { owner: 'x' })).nameplate;
    clock.advance(TTL_MS);
    // Past the deadline with its timer late: expired, and the lookup does not end it itself.
    expect(codeOf(store.lookup(late))).toBe('CODE_EXPIRED');
    expect(codeOf(store.open('c', { owner: 'x' }))).toBe('ALREADY_PAIRED');
  });

  it('does not expire a pairing once joined', () => {
    const { clock, store, expired, open } = setup();
    const { nameplate } = valueOf(open('a'));
    valueOf(store.join('b', nameplate));
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(TTL_MS * 10);
    expect(expired).toEqual([]);
    expect(store.peerOf('a')).toBe('b');
  });

  it('frees the nameplate when its opener leaves: nobody to tell, a late join gets CODE_EXPIRED', () => {
    const { clock, store, expired, open } = setup();
    const { nameplate } = valueOf(open('a'));
    expect(store.leave('a')).toEqual({ peerSocketId: undefined, joinerSocketId: undefined });
    expect(clock.pendingTimers()).toBe(0);
    expect(store.openCount()).toBe(0);
    expect(codeOf(store.join('b', nameplate))).toBe('CODE_EXPIRED');
    clock.advance(TTL_MS);
    expect(expired).toEqual([]);
    expect(valueOf(open('c')).nameplate).toBe(nameplate);
  });

  it('ends a complete pair when either side leaves and names the peer', () => {
    for (const leaver of ['a', 'b'] as const) {
      const { store, open } = setup();
      const { nameplate } = valueOf(open('a'));
      valueOf(store.join('b', nameplate));
      expect(store.leave(leaver)).toEqual({ peerSocketId: leaver === 'a' ? 'b' : 'a', joinerSocketId: 'b' });
      expect(store.leave(leaver === 'a' ? 'b' : 'a')).toBeUndefined();
      expect(store.peerOf('a')).toBeUndefined();
      expect(store.peerOf('b')).toBeUndefined();
      expect(codeOf(store.join('c', nameplate))).toBe('CODE_USED');
      valueOf(open('a'));
      valueOf(open('b'));
    }
  });

  it('hands out the lowest free nameplate, and grows a symbol once every shorter one is taken', () => {
    const { store, open } = setup({ maxOpenCodesPerAddress: 10_000 });
    const first = Array.from({ length: 40 }, (_, i) => valueOf(open(`s${i}`, 'one')).nameplate);
    expect(first.slice(0, 31).every((nameplate) => nameplate.length === 1)).toBe(true);
    expect(first[31]).toBe(nameplateAt(31));
    expect(first[31]).toHaveLength(2);
    expect(new Set(first).size).toBe(40);
    store.leave('s7');
    store.leave('s3');
    expect(valueOf(open('t1', 'one')).nameplate).toBe(first[3]);
    expect(valueOf(open('t2', 'one')).nameplate).toBe(first[7]);
    expect(valueOf(open('t3', 'one')).nameplate).toBe(nameplateAt(40));
    expect(store.openCount()).toBe(41);
  });

  it('caps the codes one address holds open; a join or leave gives the place back', () => {
    const { store, open } = setup({ maxOpenCodesPerAddress: 2 });
    const { nameplate } = valueOf(open('a', 'home'));
    valueOf(open('b', 'home'));
    expect(codeOf(open('c', 'home'))).toBe('RATE_LIMITED');
    valueOf(open('c', 'elsewhere'));
    valueOf(store.join('j', nameplate));
    valueOf(open('d', 'home'));
    store.leave('b');
    valueOf(open('e', 'home'));
  });

  it('claims an exact nameplate when it is free, and refuses one that is taken', () => {
    const { store } = setup();
    expect(valueOf(store.open('a', { owner: 'x', nameplate: 'K7M' })).nameplate).toBe('K7M');
    expect(codeOf(store.open('b', { owner: 'y', nameplate: 'K7M' }))).toBe('NAMEPLATE_TAKEN');
    expect(codeOf(store.open('b', { owner: 'y', nameplate: 'K0M' }))).toBe('INVALID_PAYLOAD');
    // The lowest-free allocation skips what was claimed by name.
    const two = valueOf(store.open('c', { owner: 'y', nameplate: nameplateAt(1) })).nameplate;
    expect(valueOf(store.open('d', { owner: 'z' })).nameplate).toBe(nameplateAt(0));
    expect(valueOf(store.open('e', { owner: 'z' })).nameplate).toBe(nameplateAt(2));
    expect(two).toBe(nameplateAt(1));
    valueOf(store.join('j', 'K7M'));
  });

  it('holds memory for open codes only: 100 000 pairings leave nothing behind', () => {
    const { store, open } = setup();
    for (let i = 0; i < 100_000; i += 1) {
      const { nameplate } = valueOf(open(`o${i}`));
      valueOf(store.join(`j${i}`, nameplate));
      store.leave(`o${i}`);
    }
    expect(store.openCount()).toBe(0);
    expect(valueOf(open('last')).nameplate).toBe(nameplateAt(0));
  });

  it('draws three-symbol nameplates at random by default (neighbouring embedded services)', () => {
    const store = createPairingStore({ clock: createManualClock() });
    const drawn = Array.from(
      { length: 20 },
      (_, i) => valueOf(store.open(`s${i}`, { owner: `o${i}` })).nameplate,
    );
    expect(drawn.every((nameplate) => nameplate.length === 3)).toBe(true);
    expect(new Set(drawn).size).toBe(20);
  });

  it('refuses a code lifetime that a timer cannot represent', () => {
    const clock = createManualClock();
    for (const codeTtlMs of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      expect(() => createPairingStore({ clock, codeTtlMs })).toThrow(RangeError);
    }
  });

  it('stops every timer on dispose', () => {
    const { clock, store, expired, open } = setup();
    valueOf(open('a'));
    valueOf(open('b'));
    store.dispose();
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(TTL_MS);
    expect(expired).toEqual([]);
  });

  it('lets the opener take back its own code after a reconnection, and nobody else', () => {
    const { clock, store, open } = setup();
    const opened = valueOf(open('a'));
    const take = (socketId: string, resumeToken?: string) =>
      store.open(socketId, { owner: 'addr-a', nameplate: opened.nameplate, resumeToken });
    // Still open (the old connection not yet noticed gone): the code moves to the new socket.
    expect(valueOf(take('a2', opened.resumeToken))).toEqual(opened);
    expect(codeOf(take('x', 'wrong-token-wrong-token'))).toBe('NAMEPLATE_TAKEN');
    // Its connection went: the code is free only for its token, with the original deadline.
    store.leave('a2');
    clock.advance(1_000);
    expect(codeOf(take('x'))).toBe('NAMEPLATE_TAKEN');
    expect(codeOf(take('y', 'wrong-token-wrong-token'))).toBe('NAMEPLATE_TAKEN');
    expect(valueOf(take('a3', opened.resumeToken))).toEqual(opened);
    const joined = valueOf(store.join('b', opened.nameplate));
    expect(joined.openerSocketId).toBe('a3');
    // Past the deadline there is nothing to take back.
    const later = valueOf(open('c'));
    store.leave('c');
    clock.advance(TTL_MS);
    expect(
      codeOf(
        store.open('c2', { owner: 'addr-c', nameplate: later.nameplate, resumeToken: later.resumeToken }),
      ),
    ).toBe('NAMEPLATE_TAKEN');
  });

  it('stops telling a listener that unsubscribed', () => {
    const { clock, store, open } = setup();
    const heard: ExpiredNameplate[] = [];
    const unsubscribe = store.onExpired((event) => heard.push(event));
    unsubscribe();
    valueOf(open('a'));
    clock.advance(TTL_MS);
    expect(heard).toEqual([]);
  });
});
