/**
 * Errors that cross a boundary (socket acks, IPC replies, data-channel replies) travel as a result
 * envelope with a code from this allow-list, never as a raw exception or stack trace. Each side
 * turns the code into words for its user; the optional message is for logs only.
 */
import { z } from 'zod';

export const ERROR_CODES = [
  'INVALID_PAYLOAD',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_PROTOCOL',
  'CODE_MALFORMED',
  'CODE_NOT_FOUND',
  'CODE_EXPIRED',
  'CODE_USED',
  'CODE_MISMATCH',
  /** `pair:open` asked for a nameplate that is already in use on this service. */
  'NAMEPLATE_TAKEN',
  'PAIR_FULL',
  'NOT_PAIRED',
  'ALREADY_PAIRED',
  'RATE_LIMITED',
  'FORBIDDEN',
  /** A presence claim whose signature does not prove the key it names (contracts/presence.ts). */
  'IDENTITY_REFUSED',
  'TIMEOUT',
  'UNAVAILABLE',
  'INTERNAL',
  // Files on disk (main-process file services, the web host's OPFS store).
  'DISK_FULL',
  'PERMISSION_DENIED',
  'DIGEST_MISMATCH',
  'FILE_NOT_FOUND',
  'IO_FAILED',
] as const;

export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export interface ResultError {
  readonly code: ErrorCode;
  readonly message?: string | undefined;
}

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ResultError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(code: ErrorCode, message?: string): Result<T> {
  return message === undefined ? { ok: false, error: { code } } : { ok: false, error: { code, message } };
}

export const resultErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string().max(500).optional(),
});

/** Builds the zod schema of a `Result<T>` so that a receiver can check an envelope it was sent. */
export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: resultErrorSchema }),
  ]);
}
