import { describe, expect, it } from 'vitest';
import { CreditWindow } from './credit-window';
import { RateMeter } from './rate-meter';

const settled = async (promise: Promise<unknown>) => {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await Promise.resolve();
  await Promise.resolve();
  return state;
};

describe('CreditWindow: the sender never runs more than the window ahead of the receiver’s disk', () => {
  it('lets bytes through up to the window, then waits for credit', async () => {
    const window = new CreditWindow(10);
    await window.reserve(6);
    window.sentBytes(6);
    expect(window.fits(4)).toBe(true);
    expect(window.fits(5)).toBe(false);
    const waiting = window.reserve(5);
    expect(await settled(waiting)).toBe('pending');
    window.credit(0);
    expect(await settled(waiting)).toBe('pending');
    window.credit(1);
    expect(await settled(waiting)).toBe('resolved');
    window.sentBytes(5);
    expect(window.inFlight).toBe(10);
  });

  it('takes cumulative credits: late, repeated or merged ones are harmless', async () => {
    const window = new CreditWindow(8);
    window.sentBytes(8);
    expect(window.credit(5)).toBe(true);
    expect(window.credit(3)).toBe(true); // arrived late
    expect(window.acknowledged).toBe(5);
    expect(window.inFlight).toBe(3);
  });

  it('refuses a credit for bytes never sent', () => {
    const window = new CreditWindow(8);
    window.sentBytes(4);
    expect(window.credit(5)).toBe(false);
    expect(window.acknowledged).toBe(0);
  });

  it('lets a chunk larger than the window go once nothing is in flight', async () => {
    const window = new CreditWindow(4);
    await window.reserve(100);
    window.sentBytes(100);
    expect(window.fits(1)).toBe(false);
    window.credit(100);
    expect(window.fits(100)).toBe(true);
  });

  it('fails a waiting reserve, and later ones, when closed', async () => {
    const window = new CreditWindow(4);
    window.sentBytes(4);
    const waiting = window.reserve(1);
    window.close(new Error('link down'));
    await expect(waiting).rejects.toThrow('link down');
    await expect(window.reserve(0)).rejects.toThrow('link down');
  });

  it('the invariant holds over a long run with credits arriving in bursts', async () => {
    const size = 1000;
    const window = new CreditWindow(size);
    let written = 0;
    for (let chunk = 0; chunk < 500; chunk++) {
      const bytes = 97 + (chunk % 13);
      while (!window.fits(bytes)) {
        written = Math.min(written + 333, chunk * 110);
        window.credit(written);
      }
      await window.reserve(bytes);
      window.sentBytes(bytes);
      expect(window.inFlight).toBeLessThanOrEqual(size);
    }
  });
});

describe('RateMeter', () => {
  it('says nothing until there is enough to measure', () => {
    const meter = new RateMeter(4000, 500);
    meter.sample(0, 0);
    meter.sample(100, 1000);
    expect(meter.read(10_000)).toEqual({ bytesPerSecond: 0, secondsLeft: null });
  });

  it('averages over its window and estimates the time left', () => {
    const meter = new RateMeter(4000, 500);
    for (let t = 0; t <= 2000; t += 250) meter.sample(t, t * 1000); // 1 MB/s
    const reading = meter.read(4_000_000);
    expect(reading.bytesPerSecond).toBeCloseTo(1_000_000, -3);
    expect(reading.secondsLeft).toBeCloseTo(2, 1);
  });

  it('follows a change of speed once the old samples leave the window', () => {
    const meter = new RateMeter(1000, 200);
    let bytes = 0;
    for (let t = 0; t <= 3000; t += 100) {
      bytes += t < 1500 ? 100_000 : 10_000; // 1 MB/s, then 100 kB/s
      meter.sample(t, bytes);
    }
    expect(meter.read(bytes).bytesPerSecond).toBeLessThan(150_000);
  });

  it('forgets the old speed on reset', () => {
    const meter = new RateMeter();
    meter.sample(0, 0);
    meter.sample(1000, 1000);
    meter.reset();
    expect(meter.read(5000).secondsLeft).toBeNull();
  });
});
