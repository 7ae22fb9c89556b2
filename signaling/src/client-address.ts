/**
 * Which "client" a connection counts as for rate limiting.
 *
 * IPv4 clients are counted per address. IPv6 clients are counted per /64 prefix, because one home
 * or one cloud VM is routinely handed a whole /64 and could otherwise rotate through addresses to
 * dodge the limit (RFC 6177 / RFC 7421 explain why a /64 is the usual end-site assignment).
 *
 * A site is often handed a /48 (65 536 /64s), so one /64 per client is not enough on its own: an
 * IPv6 client is also counted against its /48 (`networkKey`), in a bucket several clients wide. A
 * /48 with a few honest users stays far from that bucket's limit; one rotating through its /64s
 * empties it as quickly as a single client would empty its own.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { LimitSubject } from './rate-limiter';

/** A /48's bucket holds this many clients' worth of tokens. */
export const NETWORK_WEIGHT = 8;

const IPV4_MAPPED_PREFIX = '::ffff:';
const IPV6_GROUPS = 8;
const IPV6_PREFIX_GROUPS = 4;
const IPV6_NETWORK_GROUPS = 3;

export function rateLimitKey(address: string): string {
  const unzoned = address.split('%')[0] ?? address;
  const lower = unzoned.toLowerCase();
  if (lower.startsWith(IPV4_MAPPED_PREFIX) && isIPv4(lower.slice(IPV4_MAPPED_PREFIX.length))) {
    return lower.slice(IPV4_MAPPED_PREFIX.length);
  }
  if (!isIPv6(lower)) return lower;
  const groups = expandIPv6(lower);
  return `${groups.slice(0, IPV6_PREFIX_GROUPS).join(':')}::/64`;
}

/** Every bucket a request from `address` is counted against: its own, and its /48's for IPv6. */
export function limitSubjectsOf(address: string): LimitSubject[] {
  const network = networkKey(address);
  const client = { key: rateLimitKey(address), weight: 1 };
  return network === undefined ? [client] : [client, { key: network, weight: NETWORK_WEIGHT }];
}

/** The /48 an IPv6 client belongs to; undefined for IPv4 (an address is a client there). */
export function networkKey(address: string): string | undefined {
  const lower = (address.split('%')[0] ?? address).toLowerCase();
  if (lower.startsWith(IPV4_MAPPED_PREFIX) && isIPv4(lower.slice(IPV4_MAPPED_PREFIX.length)))
    return undefined;
  if (!isIPv6(lower)) return undefined;
  return `${expandIPv6(lower).slice(0, IPV6_NETWORK_GROUPS).join(':')}::/48`;
}

/** Expands `::` and drops leading zeros so that equal prefixes compare equal as text. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const lastGroup = tailGroups.at(-1) ?? headGroups.at(-1) ?? '';
  // An embedded IPv4 tail (e.g. 64:ff9b::192.0.2.1) fills the last two groups.
  const embeddedIPv4Groups = isIPv4(lastGroup) ? 1 : 0;
  const missing = IPV6_GROUPS - embeddedIPv4Groups - headGroups.length - tailGroups.length;
  const zeros = tail === undefined ? [] : Array.from({ length: missing }, () => '0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) =>
    isIPv4(group) ? group : group.replace(/^0+(?=.)/, '') || '0',
  );
}
