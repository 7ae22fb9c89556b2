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

  it('forgets the least recently seen clients beyond its memory bound', () => {
    const limiter = createTokenBucketLimiter({ clock: createManualClock(), capacity: 1, maxTrackedKeys: 2 });
    limiter.tryTake('a');
    limiter.tryTake('b');
    limiter.tryTake('a');
    limiter.tryTake('c'); // forgets b, the least recently seen
    expect(limiter.tryTake('a')).toBe(false);
    expect(limiter.tryTake('b')).toBe(true);
  });
});
