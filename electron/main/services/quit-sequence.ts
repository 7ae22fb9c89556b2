/**
 * A real quit, in order: mark the app as quitting (so the window may close instead of hiding),
 * then hold Electron's `will-quit` until cleanups are done (stop the embedded signaling service,
 * remove the tray), bounded by a timeout so that a stuck cleanup cannot keep Ferry from exiting.
 */
import type { Logger } from './logger';

export interface QuitSequenceOptions {
  readonly cleanups: readonly (() => Promise<void> | void)[];
  /** `app.quit()`: called again once cleanups are done. */
  readonly quit: () => void;
  readonly logger: Logger;
  readonly timeoutMs?: number;
}

export interface QuitSequence {
  isQuitting(): boolean;
  /** For `app.on('before-quit')`. */
  onBeforeQuit(): void;
  /** For `app.on('will-quit')`. */
  onWillQuit(event: { preventDefault(): void }): void;
}

export function createQuitSequence(options: QuitSequenceOptions): QuitSequence {
  const timeoutMs = options.timeoutMs ?? 3000;
  let quitting = false;
  let phase: 'running' | 'cleaning' | 'clean' = 'running';

  const runCleanups = async (): Promise<void> => {
    const all = Promise.allSettled(options.cleanups.map(async (cleanup) => cleanup()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([all, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      options.logger.warn({ timeoutMs }, 'cleanups did not finish in time; quitting anyway');
      return;
    }
    for (const result of outcome) {
      if (result.status === 'rejected')
        options.logger.error({ error: result.reason }, 'cleanup failed on quit');
    }
  };

  return {
    isQuitting: () => quitting,
    onBeforeQuit() {
      quitting = true;
    },
    onWillQuit(event) {
      if (phase === 'clean') return;
      event.preventDefault();
      if (phase === 'cleaning') return;
      quitting = true;
      phase = 'cleaning';
      void runCleanups().finally(() => {
        phase = 'clean';
        options.quit();
      });
    },
  };
}
