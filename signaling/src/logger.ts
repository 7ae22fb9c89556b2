/** The service logs through pino: one JSON line per event, with levels. */
import pino from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The part of a pino logger the service uses, so that any pino-compatible logger fits. */
export type Logger = Pick<pino.Logger, 'fatal' | 'error' | 'warn' | 'info' | 'debug'>;

export function createLogger(level: LogLevel = 'info'): pino.Logger {
  return pino({ name: 'ferry-signaling', level });
}

export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
