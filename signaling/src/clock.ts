/**
 * Time as the service sees it. Injected so that expiry and rate limiting can be tested by moving a
 * manual clock instead of sleeping.
 */

/** An opaque handle from `Clock.setTimeout`, only ever given back to the same clock. */
export type ClockTimer = object;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    // A pending expiry must never be what keeps the process alive; the owner clears it on close.
    timer.unref();
    return timer;
  },
  // The handle can only have come from `setTimeout` above, so it is a Node timer.
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
