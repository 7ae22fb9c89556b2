/** A clock that only moves when a test says so; timers fire in order as it passes their due time. */
import type { Clock, ClockTimer } from '../clock';

interface PendingTimer {
  readonly dueAt: number;
  readonly order: number;
  readonly callback: () => void;
}

export interface ManualClock extends Clock {
  /** Moves time forward, firing every timer that falls due on the way, in due order. */
  advance(ms: number): void;
  /** Timers scheduled and not yet fired or cleared. */
  pendingTimers(): number;
}

export function createManualClock(startAt = 1_700_000_000_000): ManualClock {
  let now = startAt;
  let scheduled = 0;
  const timers = new Map<ClockTimer, PendingTimer>();

  function nextDue(until: number): [ClockTimer, PendingTimer] | undefined {
    let next: [ClockTimer, PendingTimer] | undefined;
    for (const entry of timers) {
      const [, timer] = entry;
      if (timer.dueAt > until) continue;
      if (
        next === undefined ||
        timer.dueAt < next[1].dueAt ||
        (timer.dueAt === next[1].dueAt && timer.order < next[1].order)
      ) {
        next = entry;
      }
    }
    return next;
  }

  return {
    now: () => now,
    setTimeout(callback, delayMs) {
      const handle = {};
      timers.set(handle, { dueAt: now + Math.max(0, delayMs), order: scheduled++, callback });
      return handle;
    },
    clearTimeout(handle) {
      timers.delete(handle);
    },
    advance(ms) {
      const target = now + ms;
      for (let due = nextDue(target); due !== undefined; due = nextDue(target)) {
        const [handle, timer] = due;
        timers.delete(handle);
        now = timer.dueAt;
        timer.callback();
      }
      now = target;
    },
    pendingTimers: () => timers.size,
  };
}
