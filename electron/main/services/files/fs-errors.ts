/**
 * File-system failures in the words the renderer can explain: an errno becomes a code from the
 * result allow-list. Disk full and permission denied get their own codes because the user can do
 * something about each (free space, pick another receive folder).
 */
import { err, type ErrorCode, type Result } from '../../../../contracts/result';

export function fsErrorCode(error: unknown): ErrorCode {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return 'DISK_FULL';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'PERMISSION_DENIED';
    case 'ENOENT':
    case 'ENOTDIR':
      return 'FILE_NOT_FOUND';
    default:
      return 'IO_FAILED';
  }
}

/** A failed fs call as a result envelope; the errno text goes to logs only. */
export function fsError<T = never>(error: unknown): Result<T> {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown';
  return err(fsErrorCode(error), code);
}
