/**
 * The addresses other devices can use to reach this machine's embedded service: what the QR code
 * and join links carry. Loopback would make the phone that scans the code open itself, so only
 * addresses of real network interfaces count, best first.
 */
import type { NetworkInterfaceInfo } from 'node:os';

/** `os.networkInterfaces()`, or a fake. */
export type NetworkInterfaces = () => NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * Interfaces that only lead to this machine's own containers or virtual machines: a phone on the
 * Wi-Fi cannot reach their addresses (Docker's docker0 and br-…, libvirt, VirtualBox, VMware, veth
 * ends of containers).
 */
const VIRTUAL_INTERFACE = /^(docker\d*|br-[0-9a-f]+|veth|virbr|vboxnet|vmnet|cni|flannel|podman)/i;

/**
 * Ranks an IPv4 address by how likely another device on the same network reaches it: home and
 * office networks (192.168/16, 10/8, 172.16/12) first, then other (public) addresses, then
 * carrier-grade NAT (100.64/10, often a VPN overlay); link-local (169.254/16) is never offered.
 */
function rankIPv4(address: string): number | undefined {
  const [a = 0, b = 0] = address.split('.').map(Number);
  if (a === 127 || (a === 169 && b === 254)) return undefined;
  if (a === 192 && b === 168) return 0;
  if (a === 10) return 1;
  if (a === 172 && b >= 16 && b <= 31) return 2;
  if (a === 100 && b >= 64 && b <= 127) return 4;
  return 3;
}

/**
 * Base URLs (`http://192.168.1.20:47100`) for every usable interface, best first. IPv6 is left
 * out: its link-local addresses need a zone that a URL cannot carry to another device, and every
 * network Ferry pairs on also has IPv4.
 */
export function lanBaseUrls(interfaces: NetworkInterfaces, port: number): string[] {
  const candidates: { url: string; rank: number }[] = [];
  for (const [name, infos] of Object.entries(interfaces())) {
    if (infos === undefined || VIRTUAL_INTERFACE.test(name)) continue;
    for (const info of infos) {
      if (info.internal || info.family !== 'IPv4') continue;
      const rank = rankIPv4(info.address);
      if (rank === undefined) continue;
      const url = `http://${info.address}:${port}`;
      if (!candidates.some((candidate) => candidate.url === url)) candidates.push({ url, rank });
    }
  }
  // Stable: interfaces of equal rank keep the order the system lists them in.
  return candidates.sort((a, b) => a.rank - b.rank).map((candidate) => candidate.url);
}
