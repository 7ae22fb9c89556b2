import { describe, expect, it } from 'vitest';
import { refusedByPagePolicy, type PagePolicyScope } from './page-policy';

/**
 * A page whose policy refuses the origins in `refused`, as Chromium does: the request is refused at
 * once and a `securitypolicyviolation` is queued as a task after it. Requests it lets through never
 * settle (a slow service), so the probe must not wait for them.
 */
function pageRefusing(refused: readonly string[]) {
  const target = new EventTarget();
  const requested: string[] = [];
  const scope: PagePolicyScope = {
    document: target as unknown as PagePolicyScope['document'],
    fetch: (input, init) => {
      requested.push(`${input} ${String(init.mode)}`);
      if (!refused.includes(new URL(input).origin)) return new Promise(() => undefined);
      setTimeout(() => {
        const event = new Event('securitypolicyviolation');
        Object.assign(event, { effectiveDirective: 'connect-src', blockedURI: input });
        target.dispatchEvent(event);
      }, 0);
      return Promise.reject(new TypeError('Failed to fetch'));
    },
    setTimeout: (callback, ms) => setTimeout(callback, Math.min(ms, 20)),
  };
  return { scope, requested };
}

describe('refusedByPagePolicy', () => {
  it('is true for a service the page policy refuses, after one no-cors request to its /healthz', async () => {
    const page = pageRefusing(['http://10.0.0.9:47100']);
    expect(await refusedByPagePolicy('http://10.0.0.9:47100/', page.scope)).toBe(true);
    expect(page.requested).toEqual(['http://10.0.0.9:47100/healthz no-cors']);
  });

  it('is false for a service the policy lets through, even when it does not answer', async () => {
    const page = pageRefusing(['http://10.0.0.9:47100']);
    expect(await refusedByPagePolicy('https://ferry.example', page.scope)).toBe(false);
  });

  it('asks about the http form of a ws(s) address', async () => {
    const page = pageRefusing(['https://relay.example']);
    expect(await refusedByPagePolicy('wss://relay.example/socket', page.scope)).toBe(true);
    expect(page.requested).toEqual(['https://relay.example/healthz no-cors']);
  });

  it('ignores violations about other origins and other directives', async () => {
    const target = new EventTarget();
    const scope: PagePolicyScope = {
      document: target as unknown as PagePolicyScope['document'],
      fetch: () => {
        for (const [directive, uri] of [
          ['connect-src', 'http://other.example/x'],
          ['img-src', 'http://10.0.0.9:47100/healthz'],
          ['connect-src', 'inline'],
        ] as const) {
          const event = new Event('securitypolicyviolation');
          Object.assign(event, { effectiveDirective: directive, blockedURI: uri });
          target.dispatchEvent(event);
        }
        return Promise.reject(new TypeError('Failed to fetch'));
      },
      setTimeout: (callback) => setTimeout(callback, 0),
    };
    expect(await refusedByPagePolicy('http://10.0.0.9:47100', scope)).toBe(false);
  });

  it('is false for something that is not a URL, without a request', async () => {
    const page = pageRefusing([]);
    expect(await refusedByPagePolicy('not a url', page.scope)).toBe(false);
    expect(page.requested).toEqual([]);
  });
});
