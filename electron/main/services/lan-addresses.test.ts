import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lanBaseUrls } from './lan-addresses';

function v4(address: string, internal = false): NetworkInterfaceInfo {
  return {
    address,
    family: 'IPv4',
    internal,
    netmask: '255.255.255.0',
    mac: '00:00:00:00:00:00',
    cidr: null,
  };
}
function v6(address: string): NetworkInterfaceInfo {
  return {
    address,
    family: 'IPv6',
    internal: false,
    netmask: 'ffff::',
    mac: '00:00:00:00:00:00',
    cidr: null,
    scopeid: 2,
  };
}

describe('lanBaseUrls', () => {
  it('offers every real interface, never loopback, home networks first', () => {
    const urls = lanBaseUrls(
      () => ({
        lo: [v4('127.0.0.1', true)],
        tailscale0: [v4('100.101.1.2')],
        eth0: [v4('10.0.0.7'), v6('fe80::1')],
        wlan0: [v4('192.168.1.20')],
      }),
      47100,
    );
    expect(urls).toEqual(['http://192.168.1.20:47100', 'http://10.0.0.7:47100', 'http://100.101.1.2:47100']);
  });

  it("leaves out containers' and virtual machines' bridges and link-local addresses", () => {
    const urls = lanBaseUrls(
      () => ({
        docker0: [v4('172.17.0.1')],
        'br-1a2b3c4d5e6f': [v4('172.18.0.1')],
        virbr0: [v4('192.168.122.1')],
        veth12ab: [v4('10.88.0.1')],
        eth0: [v4('169.254.10.1'), v4('172.20.5.5')],
      }),
      47100,
    );
    expect(urls).toEqual(['http://172.20.5.5:47100']);
  });

  it('is empty on a machine with only loopback, and lists an address once', () => {
    expect(lanBaseUrls(() => ({ lo: [v4('127.0.0.1', true)] }), 1)).toEqual([]);
    expect(lanBaseUrls(() => ({ a: [v4('192.168.0.2')], b: [v4('192.168.0.2')] }), 5)).toEqual([
      'http://192.168.0.2:5',
    ]);
  });
});
