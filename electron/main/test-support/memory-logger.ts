import type { LogDetails, LogLevel, Logger } from '../services/logger';

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly details: LogDetails;
}

/** A logger that keeps what it is told, for tests that assert a failure was reported. */
export function createMemoryLogger(): Logger & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogLevel) =>
    (details: LogDetails, message: string): void => {
      entries.push({ level, message, details });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
