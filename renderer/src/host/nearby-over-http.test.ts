import { describe, expect, it } from 'vitest';
import { localInfoSchema, type NearbyService } from '../../../contracts/local-service';
import { watchNearbyOverHttp } from './nearby-over-http';

const ada: NearbyService = { instanceId: 'ada1', name: 'Ada’s laptop', url: 'http://10.7.0.1:47100' };

function serviceAnswering(answers: (() => Promise<{ ok: boolean; json(): Promise<unknown> }>)[]) {
  const asked: string[] = [];
  let pending: (() => void) | undefined;
  return {
    asked,
    fetch: (url: string) => {
      asked.push(url);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('asked more often than the test expected');
      return answer();
    },
    setTimeout: (callback: () => void) => {
      pending = callback;
      return 1;
    },
    clearTimeout: () => {
      pending = undefined;
    },
    /** Runs the poll that was scheduled. */
    next: async () => {
      const run = pending;
      pending = undefined;
      run?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    get scheduled() {
      return pending !== undefined;
    },
  };
}

const json = (body: unknown) => async () => ({ ok: true, json: async () => body });
const parse = (body: unknown) => {
  const parsed = localInfoSchema.safeParse(body);
  return parsed.success ? parsed.data.nearby : undefined;
};
const local = (nearby: unknown[]) => ({ joinBaseUrls: [], nearby });

describe('nearby devices over HTTP', () => {
  it('asks the service that served the page, and reports each change once', async () => {
    const service = serviceAnswering([json(local([ada])), json(local([ada])), json(local([]))]);
    const seen: (readonly NearbyService[])[] = [];
    const stop = watchNearbyOverHttp({ url: 'http://127.0.0.1:47100/api/local', parse, ...service })((d) =>
      seen.push(d),
    );
    await service.next();
    await service.next();
    await service.next();
    expect(service.asked).toEqual(Array(3).fill('http://127.0.0.1:47100/api/local'));
    expect(seen).toEqual([[], [ada], []]);
    stop();
    expect(service.scheduled).toBe(false);
  });

  it('treats a service without the endpoint or with a malformed answer as nobody nearby, and keeps asking', async () => {
    const service = serviceAnswering([
      json(local([ada])),
      async () => ({ ok: false, json: async () => ({}) }),
      json(local([ada])),
      json(local([{ ...ada, url: 'javascript:alert(1)' }])),
      async () => {
        throw new TypeError('Failed to fetch');
      },
    ]);
    const seen: (readonly NearbyService[])[] = [];
    watchNearbyOverHttp({ url: '/api/local', parse, ...service })((d) => seen.push(d));
    for (let i = 0; i < 5; i++) await service.next();
    expect(seen).toEqual([[], [ada], [], [ada], []]);
    // A failed request keeps the list and tries again.
    expect(service.scheduled).toBe(true);
  });
});
