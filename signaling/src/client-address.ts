/**
 * Which "client" a connection counts as for rate limiting.
 *
 * IPv4 clients are counted per address. IPv6 clients are counted per /64 prefix, because one home
 * or one cloud VM is routinely handed a whole /64 and could otherwise rotate through addresses to
 * dodge the limit (RFC 6177 / RFC 7421 explain why a /64 is the usual end-site assignment).
 */
import { isIPv4, isIPv6 } from 'node:net';

const IPV4_MAPPED_PREFIX = '::ffff:';
const IPV6_GROUPS = 8;
const IPV6_PREFIX_GROUPS = 4;

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
