import { describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../test-support/memory-logger';
import { createQuitSequence } from './quit-sequence';

const willQuit = () => {
  const event = { prevented: false, preventDefault: () => void (event.prevented = true) };
  return event;
};

describe('quit sequence', () => {
  it('marks the app as quitting on before-quit', () => {
    const sequence = createQuitSequence({
      cleanups: [],
      quit: () => undefined,
      logger: createMemoryLogger(),
    });
    expect(sequence.isQuitting()).toBe(false);
    sequence.onBeforeQuit();
    expect(sequence.isQuitting()).toBe(true);
  });

  it('holds the quit until every cleanup is done, then quits once, and lets the second will-quit through', async () => {
    const order: string[] = [];
    let finishStop: () => void = () => undefined;
    const quit = vi.fn(() => order.push('quit'));
    const sequence = createQuitSequence({
      cleanups: [
        () =>
          new Promise<void>((resolve) => (finishStop = () => (order.push('signaling stopped'), resolve()))),
        () => void order.push('tray removed'),
      ],
      quit,
      logger: createMemoryLogger(),
    });
    const first = willQuit();
    sequence.onWillQuit(first);
    expect(first.prevented).toBe(true);
    const repeated = willQuit();
    sequence.onWillQuit(repeated);
    expect(repeated.prevented).toBe(true);
    await Promise.resolve();
    expect(quit).not.toHaveBeenCalled();
    finishStop();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));
    expect(order).toEqual(['tray removed', 'signaling stopped', 'quit']);
    const last = willQuit();
    sequence.onWillQuit(last);
    expect(last.prevented).toBe(false);
  });

  it('quits even when a cleanup fails or hangs, and says so in the log', async () => {
    const logger = createMemoryLogger();
    const quit = vi.fn();
    const sequence = createQuitSequence({
      cleanups: [() => Promise.reject(new Error('close failed'))],
      quit,
      logger,
    });
    sequence.onWillQuit(willQuit());
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));
    expect(logger.entries.map((entry) => entry.message)).toEqual(['cleanup failed on quit']);

    const hangingLogger = createMemoryLogger();
    const hangingQuit = vi.fn();
    createQuitSequence({
      cleanups: [() => new Promise<void>(() => undefined)],
      quit: hangingQuit,
      logger: hangingLogger,
      timeoutMs: 20,
    }).onWillQuit(willQuit());
    await vi.waitFor(() => expect(hangingQuit).toHaveBeenCalledTimes(1));
    expect(hangingLogger.entries[0]?.level).toBe('warn');
  });
});
