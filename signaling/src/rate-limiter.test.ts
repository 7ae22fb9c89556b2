import { describe, expect, it } from 'vitest';
import { createTokenBucketLimiter } from './rate-limiter';
import { createManualClock } from './testing/manual-clock';

function takeTimes(limiter: { tryTake(key: string): boolean }, key: string, times: number): boolean[] {
  return Array.from({ length: times }, () => limiter.tryTake(key));
}

describe('token bucket rate limiter', () => {
  it('allows a burst up to capacity, then refuses', () => {
    const limiter = createTokenBucketLimiter({ clock: createManualClock(), capacity: 3, refillPerSecond: 1 });
    expect(takeTimes(limiter, 'a', 4)).toEqual([true, true, true, false]);
  });

  it('gives tokens back at the refill rate, never above capacity', () => {
    const clock = createManualClock();
    const limiter = createTokenBucketLimiter({ clock, capacity: 2, refillPerSecond: 1 });
    takeTimes(limiter, 'a', 2);
    clock.advance(999);
    expect(limiter.tryTake('a')).toBe(false);
    clock.advance(1);
    expect(limiter.tryTake('a')).toBe(true);
    expect(limiter.tryTake('a')).toBe(false);
    clock.advance(60_000);
    expect(takeTimes(limiter, 'a', 3)).toEqual([true, true, false]);
  });

  it('keeps clients apart', () => {
    const limiter = createTokenBucketLimiter({ clock: createManualClock(), capacity: 1 });
    expect(limiter.tryTake('a')).toBe(true);
    expect(limiter.tryTake('a')).toBe(false);
    expect(limiter.tryTake('b')).toBe(true);
  });

  it('refused attempts do not push the refill further away', () => {
    const clock = createManualClock();
    const limiter = createTokenBucketLimiter({ clock, capacity: 1, refillPerSecond: 1 });
    limiter.tryTake('a');
    for (let i = 0; i < 10; i++) {
      clock.advance(50);
      limiter.tryTake('a');
    }
    clock.advance(500);
    expect(limiter.tryTake('a')).toBe(true);
  });

  it('does not drain a bucket when the wall clock steps backwards', () => {
    let now = 100_000;
    const limiter = createTokenBucketLimiter({
      clock: { ...createManualClock(), now: () => now },
      capacity: 2,
    });
    limiter.tryTake('a');
    now -= 10_000;
    expect(limiter.tryTake('a')).toBe(true);
  });

  it('forgets only buckets that have refilled completely, which is what a fresh one is', () => {
    const clock = createManualClock();
    const limiter = createTokenBucketLimiter({ clock, capacity: 2, refillPerSecond: 1, maxTrackedKeys: 2 });
    limiter.tryTake('a');
    limiter.tryTake('b');
    clock.advance(1000); // a and b are full again
    limiter.tryTake('c');
    limiter.tryTake('d');
    expect(limiter.trackedKeys()).toBe(2);
  });

  it('sheds the newest clients, never the oldest, when a flood of new keys fills its memory', () => {
    const clock = createManualClock();
    const limiter = createTokenBucketLimiter({
      clock,
      capacity: 3,
      refillPerSecond: 0.001,
      maxTrackedKeys: 100,
      overflowWeight: 2,
    });
    expect(takeTimes(limiter, 'attacker', 4)).toEqual([true, true, true, false]);
    // 100 000 fresh keys, as a flood of addresses would bring: the attacker's empty bucket stays.
    let floodAllowed = 0;
    for (let i = 0; i < 100_000; i++) if (limiter.tryTake(`flood-${i}`)) floodAllowed++;
    expect(limiter.trackedKeys()).toBe(100);
    expect(limiter.tryTake('attacker')).toBe(false);
    // The flood got the 99 places left in the table, then shared one overflow bucket of 2 × 3.
    expect(floodAllowed).toBe(99 + 6);
  });

  it('charges failed attempts into debt, so a sweeper waits longer for each miss', () => {
    const clock = createManualClock();
    const limiter = createTokenBucketLimiter({ clock, capacity: 4, refillPerSecond: 1 });
    expect(limiter.tryTake('a')).toBe(true);
    limiter.charge('a', 10); // 3 - 10 = -7, floored at one full bucket of debt: -4
    clock.advance(4_000);
    expect(limiter.tryTake('a')).toBe(false);
    clock.advance(1_000);
    expect(limiter.tryTake('a')).toBe(true);
  });

  it('counts a request against every subject, and takes nothing when any of them is short', () => {
    const limiter = createTokenBucketLimiter({ clock: createManualClock(), capacity: 2, refillPerSecond: 0 });
    const network = { key: 'net', weight: 2 };
    const a = [{ key: 'a', weight: 1 }, network];
    const b = [{ key: 'b', weight: 1 }, network];
    const c = [{ key: 'c', weight: 1 }, network];
    expect([limiter.tryTake(a), limiter.tryTake(a), limiter.tryTake(a)]).toEqual([true, true, false]);
    expect([limiter.tryTake(b), limiter.tryTake(b)]).toEqual([true, true]);
    // The network's 4 tokens are gone, though c has never asked.
    expect(limiter.tryTake(c)).toBe(false);
    expect(limiter.tryTake('c')).toBe(true);
  });
});
