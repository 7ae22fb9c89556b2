/**
 * Which address a request really comes from when the service sits behind reverse proxies.
 *
 * Every limit is counted per client address, so behind a proxy that hides it all clients would
 * share one budget. A proxy says who its client was in `X-Forwarded-For`, but anybody can send that
 * header: it is believed only from a configured trusted proxy (`FERRY_TRUSTED_PROXIES`), and then
 * read from the right, hop by hop, for as long as each hop is a trusted proxy too. The first hop
 * that is not trusted is the client; everything to its left was written by the client and is ignored
 * (a client cannot pick the address its limits are counted under).
 */
import { BlockList, isIP, isIPv4 } from 'node:net';

export interface TrustedProxies {
  /** Whether `address` (the TCP peer, or a hop named in X-Forwarded-For) is a trusted proxy. */
  isTrusted(address: string): boolean;
  /** The client's address: the TCP peer itself unless that is a trusted proxy that says otherwise. */
  clientAddress(remoteAddress: string, forwardedFor: string | readonly string[] | undefined): string;
}

const IPV4_MAPPED_PREFIX = '::ffff:';
/** More hops than any real chain of proxies; a longer header is cut, not walked. */
const MAX_HOPS = 32;

/** An IPv4 address that arrives IPv4-mapped on a dual-stack socket is the IPv4 address. */
function plainAddress(address: string): string {
  const unzoned = (address.split('%')[0] ?? address).trim();
  const lower = unzoned.toLowerCase();
  return lower.startsWith(IPV4_MAPPED_PREFIX) && isIPv4(lower.slice(IPV4_MAPPED_PREFIX.length))
    ? lower.slice(IPV4_MAPPED_PREFIX.length)
    : lower;
}

/** An entry of FERRY_TRUSTED_PROXIES: an IP address or a CIDR block (`10.0.0.0/8`, `fd00::/8`). */
export function parseTrustedProxyEntry(entry: string): { address: string; prefix: number } | undefined {
  const [address = '', prefixText, extra] = entry.trim().split('/');
  if (extra !== undefined) return undefined;
  const family = isIP(address);
  if (family === 0) return undefined;
  const maxPrefix = family === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: maxPrefix };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= maxPrefix ? { address, prefix } : undefined;
}

export function createTrustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const parsed = parseTrustedProxyEntry(entry);
    if (parsed === undefined) throw new RangeError(`not an IP address or CIDR block: ${entry}`);
    list.addSubnet(parsed.address, parsed.prefix, isIPv4(parsed.address) ? 'ipv4' : 'ipv6');
  }
  const none = entries.length === 0;

  function isTrusted(address: string): boolean {
    if (none) return false;
    const plain = plainAddress(address);
    const family = isIP(plain);
    if (family === 0) return false;
    return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }

  return {
    isTrusted,
    clientAddress(remoteAddress, forwardedFor) {
      if (forwardedFor === undefined || !isTrusted(remoteAddress)) return remoteAddress;
      // Several headers count as one list, in order (RFC 9110 §5.3).
      const text = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',');
      const hops = text.split(',').slice(-MAX_HOPS);
      let client = remoteAddress;
      for (let index = hops.length - 1; index >= 0; index--) {
        const hop = plainAddress(hops[index] ?? '');
        // Garbage (or a port, or `unknown`) from a trusted proxy: the last address we could trust
        // is the best we know, never something further left that a client may have written.
        if (isIP(hop) === 0) return client;
        client = hop;
        if (!isTrusted(hop)) return hop;
      }
      return client;
    },
  };
}

/** No proxy is trusted: every client is its TCP peer. */
export const NO_TRUSTED_PROXIES: TrustedProxies = createTrustedProxies([]);
