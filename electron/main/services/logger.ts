/**
 * The one logging interface main-process services take. Its shape is a subset of pino's, so the
 * real logger is pino (see `createMainLogger`) and tests pass a recorder (`createMemoryLogger`).
 */
import { pino } from 'pino';

export type LogDetails = Record<string, unknown>;

export interface Logger {
  debug(details: LogDetails, message: string): void;
  info(details: LogDetails, message: string): void;
  warn(details: LogDetails, message: string): void;
  error(details: LogDetails, message: string): void;
}

export type LogLevel = keyof Logger;

export interface MainLoggerOptions {
  /** Where the log is kept, e.g. `<userData>/logs/main.log`; its folder is created if missing. */
  readonly file: string;
  readonly level?: LogLevel;
  /** Also write to stderr (development), so `npm run dev` shows what main is doing. */
  readonly alsoToStderr?: boolean;
}

/** A pino logger: it fits `Logger` here and the signaling service's logger type alike. */
export function createMainLogger(options: MainLoggerOptions): pino.Logger {
  const level = options.level ?? 'info';
  const streams: pino.StreamEntry[] = [
    { level, stream: pino.destination({ dest: options.file, mkdir: true, sync: false }) },
  ];
  if (options.alsoToStderr) streams.push({ level, stream: pino.destination(2) });
  return pino({ level, base: { runtime: 'main' } }, pino.multistream(streams));
}
