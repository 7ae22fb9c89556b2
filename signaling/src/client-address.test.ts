import { describe, expect, it } from 'vitest';
import { networkKey, rateLimitKey } from './client-address';

describe('rateLimitKey', () => {
  it('counts an IPv4 client by its address, also when it arrives IPv4-mapped', () => {
    expect(rateLimitKey('203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitKey('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('counts every address of one IPv6 /64 as the same client', () => {
    const a = rateLimitKey('2001:db8:aa:bb:1:2:3:4');
    const b = rateLimitKey('2001:0db8:00aa:00bb::9');
    const c = rateLimitKey('2001:db8:aa:bb::');
    expect(a).toBe('2001:db8:aa:bb::/64');
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('keeps different IPv6 /64 prefixes apart', () => {
    expect(rateLimitKey('2001:db8:aa:bc::1')).not.toBe(rateLimitKey('2001:db8:aa:bb::1'));
  });

  it('expands compressed forms, zone ids and loopback', () => {
    expect(rateLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  it('passes through anything that is not an IP address', () => {
    expect(rateLimitKey('')).toBe('');
    expect(rateLimitKey('unix-socket')).toBe('unix-socket');
  });

  it('puts every /64 of one IPv6 /48 in the same network, and IPv4 in none', () => {
    expect(networkKey('2001:db8:aa:bb::1')).toBe('2001:db8:aa::/48');
    expect(networkKey('2001:0db8:00aa:ffff::9')).toBe('2001:db8:aa::/48');
    expect(networkKey('2001:db8:ab:bb::1')).not.toBe(networkKey('2001:db8:aa:bb::1'));
    expect(networkKey('203.0.113.7')).toBeUndefined();
    expect(networkKey('::ffff:203.0.113.7')).toBeUndefined();
  });
});
