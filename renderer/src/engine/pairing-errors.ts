import type { ErrorCode } from '../../../contracts/result';
import type { PairingFailure } from './engine-actions';

/** Turns an error code from the signaling service into the reason the user is shown. */
export function pairingFailureFromCode(code: ErrorCode): PairingFailure {
  switch (code) {
    case 'CODE_MALFORMED':
    case 'INVALID_PAYLOAD':
      return 'code-malformed';
    case 'CODE_NOT_FOUND':
      return 'code-not-found';
    case 'CODE_EXPIRED':
      return 'code-expired';
    case 'CODE_USED':
      return 'code-used';
    case 'PAIR_FULL':
      return 'pair-full';
    case 'CODE_MISMATCH':
      return 'code-mismatch';
    case 'RATE_LIMITED':
      return 'rate-limited';
    case 'UNSUPPORTED_PROTOCOL':
      return 'incompatible';
    case 'UNAVAILABLE':
    case 'TIMEOUT':
      return 'service-unreachable';
    default:
      return 'internal';
  }
}
