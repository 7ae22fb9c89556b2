/**
 * Where to join a code: the other device may have opened it on the configured service or on its
 * own embedded service nearby, and nothing in the code says which. Each candidate service is asked
 * with `pair:lookup`, which changes nothing; the attempt then joins only where the code is held.
 * (A plain join on every service would not do: on a service where a stranger happens to hold the
 * same nameplate, our join would take their pairing and end it.)
 */
import type { ErrorCode, Result } from '../../../contracts/result';

/** Asks the service at `url` whether `nameplate` is joinable there. Never rejects. */
export type LookupNameplate = (url: string, nameplate: string) => Promise<Result<null>>;

export interface RendezvousCandidates {
  /** Asked first, on their own: the services of the device the person chose from the nearby list. */
  readonly preferred: readonly string[];
  /** Asked together: the configured service and the other nearby ones. */
  readonly others: readonly string[];
}

export type Rendezvous =
  { readonly ok: true; readonly url: string } | { readonly ok: false; readonly code: ErrorCode };

/**
 * When no service holds the code, the answer that tells the person most: a service that knew the
 * code (it expired, was used, is taken) beats one that never heard of it, which beats one that
 * could not be reached (a nearby device may have left the network since it was listed).
 */
const FAILURE_RANK: readonly ErrorCode[] = [
  'CODE_USED',
  'CODE_EXPIRED',
  'PAIR_FULL',
  'RATE_LIMITED',
  'CODE_NOT_FOUND',
  'UNSUPPORTED_PROTOCOL',
  'TIMEOUT',
  'UNAVAILABLE',
];

/** Removes trailing slashes and repeats, keeping the first occurrence's place. */
export function distinctServiceUrls(urls: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const url of urls) {
    const normal = url.trim().replace(/\/+$/, '');
    if (normal !== '') seen.add(normal);
  }
  return [...seen];
}

export async function findRendezvous(
  nameplate: string,
  candidates: RendezvousCandidates,
  lookup: LookupNameplate,
): Promise<Rendezvous> {
  const preferred = distinctServiceUrls(candidates.preferred);
  const others = distinctServiceUrls(candidates.others).filter((url) => !preferred.includes(url));
  const failures: ErrorCode[] = [];
  for (const round of [preferred, others]) {
    if (round.length === 0) continue;
    const found = await firstHolding(nameplate, round, lookup, failures);
    if (found !== undefined) return { ok: true, url: found };
  }
  return { ok: false, code: mostTelling(failures) };
}

/** Asks all `urls` at once; resolves with the first that holds the code, or undefined. */
function firstHolding(
  nameplate: string,
  urls: readonly string[],
  lookup: LookupNameplate,
  failures: ErrorCode[],
): Promise<string | undefined> {
  return new Promise((resolve) => {
    let pending = urls.length;
    for (const url of urls) {
      lookup(url, nameplate)
        .catch((): Result<null> => ({ ok: false, error: { code: 'UNAVAILABLE' } }))
        .then((result) => {
          pending -= 1;
          if (result.ok) resolve(url);
          else failures.push(result.error.code);
          if (pending === 0) resolve(undefined);
        });
    }
  });
}

function mostTelling(failures: readonly ErrorCode[]): ErrorCode {
  let best: ErrorCode = 'UNAVAILABLE';
  let bestRank = FAILURE_RANK.length;
  for (const code of failures) {
    const rank = FAILURE_RANK.indexOf(code);
    const effective = rank === -1 ? FAILURE_RANK.length - 1 : rank;
    if (effective < bestRank) {
      best = code;
      bestRank = effective;
    }
  }
  return best;
}
