import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { NearbyService } from '../../../../contracts/local-service';
import { createMemoryLogger } from '../../test-support/memory-logger';
import type {
  Advertisement,
  BrowseHandlers,
  FoundService,
  MdnsSession,
  MdnsSessionEvents,
} from './mdns-session';
import {
  advertisedPortOf,
  createNearbyDiscovery,
  usableIPv4Addresses,
  type NearbyDiscoveryDeps,
} from './nearby-discovery';

const SELF_ID = 'selfid01';
const POLL_MS = 1_000;

interface FakeSession {
  readonly events: MdnsSessionEvents;
  readonly advertised: Advertisement[];
  handlers: BrowseHandlers | undefined;
  queries: number;
  expiries: number;
  destroyed: boolean;
}

/** A fake mDNS library: records what discovery asks of it, and lets a test play the network. */
function fakeMdns(options: { failOnCreate?: () => boolean } = {}) {
  const sessions: FakeSession[] = [];
  return {
    sessions,
    latest(): FakeSession {
      const session = sessions.at(-1);
      if (session === undefined) throw new Error('no session was created');
      return session;
    },
    createSession(events: MdnsSessionEvents): MdnsSession {
      if (options.failOnCreate?.()) throw Object.assign(new Error('bind EADDRINUSE'), { code: 'EADDRINUSE' });
      const fake: FakeSession = {
        events,
        advertised: [],
        handlers: undefined,
        queries: 0,
        expiries: 0,
        destroyed: false,
      };
      sessions.push(fake);
      return {
        advertise: (advertisement) => fake.advertised.push(advertisement),
        browse: (type, handlers) => {
          expect(type).toBe('ferry');
          fake.handlers = handlers;
          return { query: () => (fake.queries += 1), expire: () => (fake.expiries += 1) };
        },
        destroy: async () => {
          fake.destroyed = true;
        },
      };
    },
  };
}

/** Timers a test fires by hand: `tick()` runs one poll. */
function manualTimers() {
  let callback: (() => void) | undefined;
  let cleared = false;
  return {
    timers: {
      setInterval: (cb: () => void, ms: number) => {
        expect(ms).toBe(POLL_MS);
        callback = cb;
        return 1;
      },
      clearInterval: () => {
        cleared = true;
      },
    },
    tick: () => callback?.(),
    get cleared() {
      return cleared;
    },
  };
}

function iface(address: string, overrides: Partial<NetworkInterfaceInfo> = {}): NetworkInterfaceInfo {
  return {
    address,
    netmask: '255.255.255.0',
    family: 'IPv4',
    mac: '02:00:00:00:00:01',
    internal: false,
    cidr: `${address}/24`,
    ...overrides,
  } as NetworkInterfaceInfo;
}

const LOOPBACK_ONLY: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  lo: [iface('127.0.0.1', { internal: true, mac: '00:00:00:00:00:00' })],
};

function setup(overrides: Partial<NearbyDiscoveryDeps> = {}) {
  const mdns = fakeMdns();
  const clock = manualTimers();
  const logger = createMemoryLogger();
  let interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = { ...LOOPBACK_ONLY, eth0: [iface('10.7.0.2')] };
  let deviceName = 'Bob’s desktop';
  let port: number | undefined = 47100;
  const discovery = createNearbyDiscovery({
    createSession: (events) => mdns.createSession(events),
    networkInterfaces: () => interfaces,
    deviceName: () => deviceName,
    advertisedPort: () => port,
    instanceId: SELF_ID,
    logger,
    timers: clock.timers,
    pollIntervalMs: POLL_MS,
    pollsPerQuery: 3,
    ...overrides,
  });
  const changes: (readonly NearbyService[])[] = [];
  discovery.onChange((devices) => changes.push(devices));
  return {
    discovery,
    mdns,
    clock,
    logger,
    changes,
    setInterfaces: (next: NodeJS.Dict<NetworkInterfaceInfo[]>) => (interfaces = next),
    setDeviceName: (next: string) => (deviceName = next),
    setPort: (next: number | undefined) => (port = next),
  };
}

/** Lets the session start (it waits for any earlier session's goodbye). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function ada(overrides: Partial<FoundService> = {}): FoundService {
  return {
    fqdn: 'ferry-ada00001._ferry._tcp.local',
    port: 47100,
    txt: { name: 'Ada’s laptop', v: '2', id: 'ada00001' },
    addresses: ['10.7.0.1', 'fe80::1'],
    sourceAddress: '10.7.0.1',
    ...overrides,
  };
}

describe('nearby discovery', () => {
  it('advertises this device as _ferry._tcp with its name, protocol version and instance id', async () => {
    const { discovery, mdns } = setup();
    discovery.start();
    await settle();
    expect(mdns.latest().advertised).toEqual([
      {
        name: `ferry-${SELF_ID}`,
        type: 'ferry',
        port: 47100,
        host: `ferry-${SELF_ID}.local`,
        txt: { name: 'Bob’s desktop', v: '2', id: SELF_ID },
      },
    ]);
    await discovery.stop();
  });

  it('lists other Ferry devices at the IPv4 address their announcement came from, and never itself', async () => {
    const { discovery, mdns, changes } = setup();
    discovery.start();
    await settle();
    const network = mdns.latest().handlers!;
    network.up(ada({ addresses: ['192.168.1.4', '10.7.0.1'] }));
    network.up({
      ...ada(),
      fqdn: `ferry-${SELF_ID}._ferry._tcp.local`,
      txt: { name: 'Me', v: '2', id: SELF_ID },
    });
    const expected: NearbyService = {
      instanceId: 'ada00001',
      name: 'Ada’s laptop',
      url: 'http://10.7.0.1:47100',
    };
    expect(discovery.devices()).toEqual([expected]);
    expect(changes).toEqual([[expected]]);
    // The same records again (a periodic re-announcement) change nothing.
    network.up(ada({ addresses: ['192.168.1.4', '10.7.0.1'] }));
    expect(changes).toHaveLength(1);
    network.down('ferry-ada00001._ferry._tcp.local');
    expect(discovery.devices()).toEqual([]);
    expect(changes.at(-1)).toEqual([]);
    // An announcement from an IPv6 source: the record's IPv4 address is used.
    network.up(ada({ sourceAddress: 'fe80::1', addresses: ['fe80::1', '192.168.1.4'] }));
    expect(discovery.devices()).toEqual([{ ...expected, url: 'http://192.168.1.4:47100' }]);
    await discovery.stop();
  });

  it('ignores records it cannot use: other protocol versions, bad TXT, no IPv4 address, bad port', async () => {
    const { discovery, mdns, changes } = setup();
    discovery.start();
    await settle();
    const network = mdns.latest().handlers!;
    network.up(ada({ txt: { name: 'Old Ferry', v: '0', id: 'old' } }));
    network.up(ada({ txt: { name: '', v: '2', id: 'x' } }));
    network.up(ada({ txt: { name: 'x'.repeat(65), v: '2', id: 'x' } }));
    network.up(ada({ txt: { name: 'Evil', v: '2', id: 'a b<script>' } }));
    network.up(ada({ txt: 'not an object' }));
    network.up(ada({ addresses: ['fe80::1'], sourceAddress: 'fe80::1' }));
    network.up(ada({ addresses: ['127.0.0.1'], sourceAddress: '127.0.0.1' }));
    network.up(ada({ port: 0 }));
    network.up(ada({ port: 70_000 }));
    expect(discovery.devices()).toEqual([]);
    expect(changes).toEqual([]);
    await discovery.stop();
  });

  it('only browses while this app runs no embedded service, and advertises once it does', async () => {
    const { discovery, mdns, clock, setPort } = setup();
    setPort(undefined);
    discovery.start();
    await settle();
    expect(mdns.latest().advertised).toEqual([]);
    mdns.latest().handlers!.up(ada());
    expect(discovery.devices()).toHaveLength(1);
    setPort(47100);
    clock.tick();
    await settle();
    expect(mdns.sessions).toHaveLength(2);
    expect(mdns.latest().advertised.map((ad) => ad.port)).toEqual([47100]);
    await discovery.stop();
  });

  it('must never block start-up: with only loopback it waits, and starts when an interface comes up', async () => {
    const { discovery, mdns, clock, setInterfaces } = setup();
    setInterfaces(LOOPBACK_ONLY);
    discovery.start();
    await settle();
    expect(mdns.sessions).toEqual([]);
    clock.tick();
    await settle();
    expect(mdns.sessions).toEqual([]);
    setInterfaces({ ...LOOPBACK_ONLY, wlan0: [iface('192.168.1.20')] });
    clock.tick();
    await settle();
    expect(mdns.sessions).toHaveLength(1);
    expect(mdns.latest().advertised).toHaveLength(1);
    await discovery.stop();
  });

  it('starts over when the addresses or the device name change: goodbye first, then a fresh announcement', async () => {
    const { discovery, mdns, clock, setInterfaces, setDeviceName, changes } = setup();
    discovery.start();
    await settle();
    const first = mdns.latest();
    first.handlers!.up(ada());
    clock.tick();
    await settle();
    expect(mdns.sessions).toHaveLength(1);

    setInterfaces({ ...LOOPBACK_ONLY, eth0: [iface('10.7.0.2')], wlan0: [iface('192.168.1.20')] });
    clock.tick();
    await settle();
    expect(first.destroyed).toBe(true);
    expect(mdns.sessions).toHaveLength(2);
    // The list is rebuilt from the new session's answers.
    expect(changes.at(-1)).toEqual([]);

    setDeviceName('Bob at work');
    clock.tick();
    await settle();
    expect(mdns.sessions).toHaveLength(3);
    expect(mdns.latest().advertised[0]?.txt['name']).toBe('Bob at work');
    await discovery.stop();
  });

  it('asks the network again and drops expired records every few polls', async () => {
    const { discovery, mdns, clock } = setup();
    discovery.start();
    await settle();
    for (let i = 0; i < 6; i++) clock.tick();
    expect(mdns.latest().queries).toBe(2);
    expect(mdns.latest().expiries).toBe(2);
    await discovery.stop();
  });

  it('logs a failed socket and a failed start instead of throwing, and tries again at the next poll', async () => {
    let failCreate = true;
    const mdns = fakeMdns({ failOnCreate: () => failCreate });
    const { discovery, clock, logger } = setup({ createSession: (events) => mdns.createSession(events) });
    expect(() => discovery.start()).not.toThrow();
    await settle();
    expect(mdns.sessions).toEqual([]);
    expect(
      logger.entries.some((entry) => entry.level === 'warn' && /could not start/.test(entry.message)),
    ).toBe(true);
    failCreate = false;
    clock.tick();
    await settle();
    expect(mdns.sessions).toHaveLength(1);

    mdns.latest().events.onFailure(new Error('EACCES'));
    mdns.latest().events.onFailure(new Error('EACCES'));
    expect(logger.entries.filter((entry) => /stopped working/.test(entry.message))).toHaveLength(1);
    clock.tick();
    await settle();
    expect(mdns.sessions[0]?.destroyed).toBe(true);
    expect(mdns.sessions).toHaveLength(2);
    await discovery.stop();
  });

  it('a listener that throws does not stop the others or discovery', async () => {
    const { discovery, mdns, changes, logger } = setup();
    discovery.onChange(() => {
      throw new Error('renderer gone');
    });
    discovery.start();
    await settle();
    mdns.latest().handlers!.up(ada());
    expect(changes).toHaveLength(1);
    expect(logger.entries.some((entry) => entry.level === 'error')).toBe(true);
    await discovery.stop();
  });

  it('stops for good: says goodbye, stops polling, ignores a second start, and stop is idempotent', async () => {
    const { discovery, mdns, clock } = setup();
    discovery.start();
    await settle();
    await discovery.stop();
    expect(mdns.latest().destroyed).toBe(true);
    expect(clock.cleared).toBe(true);
    discovery.start();
    clock.tick();
    await settle();
    expect(mdns.sessions).toHaveLength(1);
    await expect(discovery.stop()).resolves.toBeUndefined();
  });
});

describe('usable addresses', () => {
  it('keeps IPv4 addresses others can reach: not loopback, not link-local, not IPv6', () => {
    expect(
      usableIPv4Addresses({
        ...LOOPBACK_ONLY,
        eth0: [iface('10.7.0.2'), iface('fe80::2', { family: 'IPv6' })],
        eth1: [iface('169.254.3.4')],
        br0: [iface('192.168.1.20')],
      }),
    ).toEqual(['10.7.0.2', '192.168.1.20']);
  });
});

describe('the advertised port', () => {
  it('is the embedded service this app started, and nothing for a shared or configured service', () => {
    expect(advertisedPortOf({ source: 'embedded', lanPort: 47100 })).toBe(47100);
    // Listening on loopback only: nobody else could reach it.
    expect(advertisedPortOf({ source: 'embedded', lanPort: undefined })).toBeUndefined();
    expect(advertisedPortOf({ source: 'shared-embedded', lanPort: 47100 })).toBeUndefined();
    expect(advertisedPortOf({ source: 'env', lanPort: undefined })).toBeUndefined();
    expect(advertisedPortOf(undefined)).toBeUndefined();
  });
});
