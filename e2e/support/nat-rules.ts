/**
 * The nftables ruleset of a home router in the NAT lab, for each NAT behaviour of RFC 4787 (plus
 * "no NAT" and "UDP blocked"). The router has a `wan` interface (its public address) and a `lan`
 * interface (the one computer of the home, `host`).
 *
 * Mapping. Linux's source NAT keeps the inside port when no other flow uses it, which makes the
 * mapping endpoint-independent (the same public port for every destination), as a cone NAT's is —
 * but only while nothing else holds that port. The other peer's connectivity checks reach the
 * router's public port before this side has sent anything there; if the router let them in, even to
 * answer with an ICMP error, conntrack would record that flow, and the home's own packets to that
 * peer would then get a new port (a new mapping, not the srflx port the peer is checking), so two
 * port-restricted cones would only ever meet through the relay. So unsolicited packets from the WAN
 * are dropped before conntrack confirms an entry for them (`input`/`forward`, policy drop for new
 * flows) unless the behaviour lets them through to the host (dnat). A symmetric NAT picks a random
 * port for every flow (`snat … random`): a new mapping for every destination.
 *
 * Filtering. Full cone: anything arriving at the public address is forwarded to the host (its port
 * is kept, so the public port is the host's). Restricted cone: only from an address the host sent
 * to from that port (the `contacted` set). Port-restricted cone and symmetric: only replies (conntrack).
 */
export const NAT_BEHAVIOURS = [
  'full-cone',
  'restricted-cone',
  'port-restricted-cone',
  'symmetric',
  'no-nat',
  'udp-blocked',
] as const;

export type NatBehaviour = (typeof NAT_BEHAVIOURS)[number];

export interface RouterAddresses {
  /** The router's public address (on `wan`). */
  readonly wan: string;
  /** The home computer's address (behind `lan`). */
  readonly host: string;
}

export const NAT_TABLE = 'natlab';

/** The whole table for `nft -f`: it replaces any earlier version (used when the address changes). */
export function routerRuleset(behaviour: NatBehaviour, { wan, host }: RouterAddresses): string {
  const translates = behaviour !== 'no-nat';
  const inbound: string[] = [];
  if (behaviour === 'full-cone')
    inbound.push(`iifname "wan" ip daddr ${wan} meta l4proto udp dnat to ${host}`);
  if (behaviour === 'restricted-cone') {
    inbound.push(`iifname "wan" ip daddr ${wan} ip saddr . udp dport @contacted dnat to ${host}`);
  }
  const snat = behaviour === 'symmetric' ? `snat to ${wan} random` : `snat to ${wan}`;
  return `
table ip ${NAT_TABLE}
delete table ip ${NAT_TABLE}
table ip ${NAT_TABLE} {
  set contacted {
    type ipv4_addr . inet_service
    flags timeout
    timeout 5m
  }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    ${inbound.join('\n    ')}
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ${translates ? `oifname "wan" ${snat}` : ''}
  }
  chain forward {
    type filter hook forward priority filter; policy accept;
    ${behaviour === 'udp-blocked' ? 'meta l4proto udp drop' : ''}
    iifname "lan" meta l4proto udp update @contacted { ip daddr . udp sport }
    ct state established,related accept
    iifname "lan" accept
    ${translates ? 'ct status dnat accept' : 'accept'}
    iifname "wan" drop
  }
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "wan" ct state established,related accept
    iifname "wan" drop
  }
}
`;
}
