import { describe, expect, it } from 'vitest';
import { err, ok, type ErrorCode, type Result } from '../../../contracts/result';
import { distinctServiceUrls, findRendezvous, type LookupNameplate } from './rendezvous';

/** Services that answer lookups from a table; each records when it was asked. */
function services(answers: Record<string, Result<null> | 'hang' | 'throw'>) {
  const asked: string[] = [];
  const lookup: LookupNameplate = (url, nameplate) => {
    expect(nameplate).toBe('K7M');
    asked.push(url);
    const answer = answers[url];
    if (answer === undefined) throw new Error(`unexpected url ${url}`);
    if (answer === 'hang') return new Promise(() => undefined);
    if (answer === 'throw') return Promise.reject(new Error('socket exploded'));
    return Promise.resolve(answer);
  };
  return { asked, lookup };
}

const A = 'http://10.0.0.1:47100';
const B = 'http://10.0.0.2:47100';
const C = 'https://ferry.example';

describe('finding where a code is held', () => {
  it('joins only where the code is held, asking every other service at once', async () => {
    const { asked, lookup } = services({
      [C]: err('CODE_NOT_FOUND'),
      [A]: ok(null),
      [B]: err('CODE_NOT_FOUND'),
    });
    expect(await findRendezvous('K7M', { preferred: [], others: [C, A, B] }, lookup)).toEqual({
      ok: true,
      url: A,
    });
    expect(asked).toEqual([C, A, B]);
  });

  it('does not wait for a service that never answers once another holds the code', async () => {
    const { lookup } = services({ [C]: 'hang', [A]: ok(null) });
    expect(await findRendezvous('K7M', { preferred: [], others: [C, A] }, lookup)).toEqual({
      ok: true,
      url: A,
    });
  });

  it("asks the chosen device's services first, and the rest only if it does not hold the code", async () => {
    const held = services({ [A]: ok(null), [C]: ok(null) });
    expect(await findRendezvous('K7M', { preferred: [A], others: [C, A] }, held.lookup)).toEqual({
      ok: true,
      url: A,
    });
    expect(held.asked).toEqual([A]);

    const elsewhere = services({ [A]: err('CODE_NOT_FOUND'), [C]: ok(null) });
    expect(await findRendezvous('K7M', { preferred: [A], others: [C, A] }, elsewhere.lookup)).toEqual({
      ok: true,
      url: C,
    });
    // The chosen device is not asked twice.
    expect(elsewhere.asked).toEqual([A, C]);
  });

  it.each<[string, (Result<null> | 'throw')[], ErrorCode]>([
    [
      'a service that knew the code beats one that never heard of it',
      [err('CODE_NOT_FOUND'), err('CODE_USED')],
      'CODE_USED',
    ],
    ['expired beats not found', [err('CODE_EXPIRED'), err('CODE_NOT_FOUND')], 'CODE_EXPIRED'],
    [
      'not found beats unreachable (a stale nearby entry)',
      [err('UNAVAILABLE'), err('CODE_NOT_FOUND')],
      'CODE_NOT_FOUND',
    ],
    ['rate limited is said', [err('RATE_LIMITED'), err('CODE_NOT_FOUND')], 'RATE_LIMITED'],
    ['all unreachable', [err('TIMEOUT'), 'throw'], 'TIMEOUT'],
  ])('when nobody holds it, says the most telling reason: %s', async (_name, answers, expected) => {
    const { lookup } = services({ [A]: answers[0]!, [B]: answers[1]! });
    expect(await findRendezvous('K7M', { preferred: [], others: [A, B] }, lookup)).toEqual({
      ok: false,
      code: expected,
    });
  });

  it('treats URLs that differ only by a trailing slash as one service, and skips empty ones', () => {
    expect(distinctServiceUrls([`${A}/`, A, '', '  ', B, `${B}//`])).toEqual([A, B]);
  });
});
