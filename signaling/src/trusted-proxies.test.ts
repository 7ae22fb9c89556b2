import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from './clock';
import { createTokenBucketLimiter } from './rate-limiter';
import { startSignalingService, type RunningSignalingService } from './service';
import {
  connectClient,
  connectExpectingRefusal,
  errorCodeOf,
  type TestClient,
} from './testing/signaling-clients';
import { createTrustedProxies, parseTrustedProxyEntry } from './trusted-proxies';

describe('createTrustedProxies', () => {
  const proxies = createTrustedProxies(['10.0.0.0/8', '192.0.2.10', 'fd00::/8']);

  it('believes X-Forwarded-For only from a trusted proxy', () => {
    expect(proxies.clientAddress('10.1.2.3', '203.0.113.7')).toBe('203.0.113.7');
    expect(proxies.clientAddress('::ffff:192.0.2.10', '203.0.113.7')).toBe('203.0.113.7');
    expect(proxies.clientAddress('fd12::1', '2001:db8::5')).toBe('2001:db8::5');
    expect(proxies.clientAddress('198.51.100.1', '203.0.113.7')).toBe('198.51.100.1');
    expect(proxies.clientAddress('10.1.2.3', undefined)).toBe('10.1.2.3');
  });

  it('takes the first untrusted hop from the right, whatever a client wrote to its left', () => {
    // The client sent "1.1.1.1" itself; the outer proxy (10.0.0.2) appended what it saw.
    expect(proxies.clientAddress('10.0.0.1', '1.1.1.1, 203.0.113.7, 10.0.0.2')).toBe('203.0.113.7');
    expect(proxies.clientAddress('10.0.0.1', ['1.1.1.1, 203.0.113.7', '10.0.0.2'])).toBe('203.0.113.7');
    // Every hop trusted: the leftmost is the best there is.
    expect(proxies.clientAddress('10.0.0.1', '10.9.9.9, 10.0.0.2')).toBe('10.9.9.9');
  });

  it('stops at garbage instead of reading past it', () => {
    expect(proxies.clientAddress('10.0.0.1', '203.0.113.7, unknown')).toBe('10.0.0.1');
    expect(proxies.clientAddress('10.0.0.1', '203.0.113.7, not-an-ip, 10.0.0.2')).toBe('10.0.0.2');
    expect(proxies.clientAddress('10.0.0.1', '')).toBe('10.0.0.1');
  });

  it('trusts nobody when none are configured', () => {
    expect(createTrustedProxies([]).clientAddress('127.0.0.1', '203.0.113.7')).toBe('127.0.0.1');
  });

  it('parses addresses and CIDR blocks and refuses anything else', () => {
    expect(parseTrustedProxyEntry('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8 });
    expect(parseTrustedProxyEntry('2001:db8::1')).toEqual({ address: '2001:db8::1', prefix: 128 });
    expect(parseTrustedProxyEntry('10.0.0.0/33')).toBeUndefined();
    expect(parseTrustedProxyEntry('proxy.example')).toBeUndefined();
    expect(parseTrustedProxyEntry('10.0.0.0/x')).toBeUndefined();
  });
});

describe('the service behind a trusted proxy', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(): Promise<RunningSignalingService> {
    const service = await startSignalingService({
      port: 0,
      host: '127.0.0.1',
      // 127.0.0.1 plays the reverse proxy; clients on other loopback addresses are not proxies.
      trustedProxies: ['127.0.0.1'],
      limits: { maxSessionsPerAddress: 2 },
      limiter: createTokenBucketLimiter({ clock: systemClock, capacity: 2, refillPerSecond: 0.001 }),
    });
    cleanups.push(() => service.close());
    return service;
  }

  async function via(url: string, localAddress: string, forwardedFor: string): Promise<TestClient> {
    const socket = await connectClient(url, {
      localAddress,
      extraHeaders: { 'X-Forwarded-For': forwardedFor },
    });
    cleanups.push(() => void socket.close());
    return socket;
  }

  it('counts sessions per forwarded client from the proxy, and per peer from anyone else', async () => {
    const service = await start();
    // Through the proxy: three different clients, each within its own cap of two…
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      await via(service.url, '127.0.0.1', client);
    }
    // …and one client behind it still held to two.
    await via(service.url, '127.0.0.1', '203.0.113.9');
    await via(service.url, '127.0.0.1', '203.0.113.9');
    const refused = await connectExpectingRefusal(service.url, {
      localAddress: '127.0.0.1',
      extraHeaders: { 'X-Forwarded-For': '203.0.113.9' },
    });
    expect(refused.data).toEqual({ code: 'RATE_LIMITED' });

    // Not a proxy: its header is ignored and its own address counts, whatever it claims.
    await via(service.url, '127.0.0.2', '198.51.100.1');
    await via(service.url, '127.0.0.2', '198.51.100.2');
    const spoofed = await connectExpectingRefusal(service.url, {
      localAddress: '127.0.0.2',
      extraHeaders: { 'X-Forwarded-For': '198.51.100.3' },
    });
    expect(spoofed.data).toEqual({ code: 'RATE_LIMITED' });
  });

  it('rate-limits opens per forwarded client, not per proxy', async () => {
    const service = await start();
    const first = await via(service.url, '127.0.0.1', '203.0.113.20');
    const second = await via(service.url, '127.0.0.1', '203.0.113.20');
    expect(errorCodeOf(await first.emitWithAck('pair:open', {}))).toBeUndefined();
    expect(errorCodeOf(await second.emitWithAck('pair:open', {}))).toBeUndefined();
    // .20's bucket is empty now: a fresh connection of its own does not refill it…
    first.close();
    const third = await via(service.url, '127.0.0.1', '203.0.113.20');
    expect(errorCodeOf(await third.emitWithAck('pair:open', {}))).toBe('RATE_LIMITED');
    // …while .21, arriving through the same proxy, has its own full bucket.
    const other = await via(service.url, '127.0.0.1', '203.0.113.21');
    expect(errorCodeOf(await other.emitWithAck('pair:open', {}))).toBeUndefined();
  });
});
