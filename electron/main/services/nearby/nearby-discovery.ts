/**
 * Nearby Ferry devices, found with DNS-SD over multicast DNS: this device advertises its embedded
 * signaling service as `_ferry._tcp` and browses for the others, so that a code can be looked up
 * on the service of the device that showed it with nothing configured.
 *
 * Discovery is a convenience and must never cost the app anything: `start` returns at once, no
 * error is thrown out of here (each is logged), and a network that drops multicast just leaves the
 * list empty. Interfaces come and go (Wi-Fi joins after start-up, a laptop changes network): the
 * addresses are polled cheaply, and when they change the session starts over, because the
 * advertisement's A records are the addresses at the time it was made.
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { isIPv4 } from 'node:net';
import type { NearbyService } from '../../../../contracts/local-service';
import { MAX_NEARBY_DEVICES, NEARBY_SERVICE_TYPE, nearbyTxtSchema } from '../../../../contracts/nearby';
import { SIGNALING_PROTOCOL_VERSION } from '../../../../contracts/signaling';
import type { Logger } from '../logger';
import type { Browse, CreateMdnsSession, FoundService, MdnsSession } from './mdns-session';

/** How often the interfaces (and the device name) are checked: a cheap, local call. */
export const DEFAULT_POLL_INTERVAL_MS = 5_000;
/** Every this many polls the network is asked again, and expired records are dropped. */
export const DEFAULT_POLLS_PER_QUERY = 12;

export interface NearbyTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface NearbyDiscoveryDeps {
  readonly createSession: CreateMdnsSession;
  /** `os.networkInterfaces`. */
  readonly networkInterfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** This device's name as the person set it; a change is advertised at the next poll. */
  readonly deviceName: () => string;
  /**
   * The port of this device's embedded signaling service, or undefined while it runs none (not
   * started yet, or the app uses another service): then it only looks for others. A change is
   * advertised at the next poll, so discovery need not wait for the service to start.
   */
  readonly advertisedPort: () => number | undefined;
  /** A random id of this run (letters, digits, - and _): how the device knows its own record. */
  readonly instanceId: string;
  readonly logger: Logger;
  readonly timers?: NearbyTimers;
  readonly pollIntervalMs?: number;
  readonly pollsPerQuery?: number;
}

export interface NearbyDiscovery {
  /** Starts advertising and browsing; returns at once. Calling it again does nothing. */
  start(): void;
  /** Says goodbye on the network and stops. Never rejects; safe to call twice. */
  stop(): Promise<void>;
  /** The devices found so far (never this one), in the order they were found. */
  devices(): readonly NearbyService[];
  /** Called with the whole list whenever it changes; returns a function that stops the calls. */
  onChange(listener: (devices: readonly NearbyService[]) => void): () => void;
}

interface Running {
  readonly session: MdnsSession;
  readonly browse: Browse;
  /** What the session was made for: a change starts it over. */
  readonly fingerprint: string;
  /** Its socket failed: the next poll starts a new session. */
  readonly health: { failed: boolean };
}

export function createNearbyDiscovery(deps: NearbyDiscoveryDeps): NearbyDiscovery {
  const { logger } = deps;
  const timers = deps.timers ?? {
    setInterval: (callback: () => void, ms: number) => setInterval(callback, ms),
    clearInterval: (handle: unknown) => clearInterval(handle as ReturnType<typeof setInterval>),
  };
  const pollsPerQuery = deps.pollsPerQuery ?? DEFAULT_POLLS_PER_QUERY;
  const listeners = new Set<(devices: readonly NearbyService[]) => void>();
  /** By the instance's DNS-SD name: one entry per advertisement seen. */
  const found = new Map<string, NearbyService>();
  let running: Running | undefined;
  let timer: unknown;
  let polls = 0;
  let stopped = false;
  let started = false;
  /** Session teardown in progress: a new one waits, so two never hold the socket at once. */
  let teardown: Promise<void> = Promise.resolve();

  const list = (): NearbyService[] => [...found.values()];

  function changed(): void {
    const devices = list();
    for (const listener of listeners) {
      try {
        listener(devices);
      } catch (error) {
        logger.error({ error }, 'a nearby-devices listener failed');
      }
    }
  }

  function up(service: FoundService): void {
    const txt = nearbyTxtSchema.safeParse(service.txt);
    if (!txt.success) {
      logger.debug({ fqdn: service.fqdn.slice(0, 120) }, 'ignored a _ferry._tcp record with unusable TXT');
      return;
    }
    if (txt.data.id === deps.instanceId) return;
    const url = reachableUrl(service);
    if (url === undefined) return;
    if (!found.has(service.fqdn) && found.size >= MAX_NEARBY_DEVICES) return;
    const device: NearbyService = { instanceId: txt.data.id, name: txt.data.name, url };
    const before = found.get(service.fqdn);
    if (before !== undefined && JSON.stringify(before) === JSON.stringify(device)) return;
    found.set(service.fqdn, device);
    logger.info({ name: device.name, url }, 'nearby Ferry device found');
    changed();
  }

  function down(fqdn: string): void {
    const device = found.get(fqdn);
    if (device === undefined) return;
    found.delete(fqdn);
    logger.info({ name: device.name }, 'nearby Ferry device gone');
    changed();
  }

  /** What the advertisement depends on: usable addresses, the port and the device name. */
  function fingerprint(): { usable: boolean; value: string } {
    const addresses = usableIPv4Addresses(deps.networkInterfaces()).sort();
    const value = `${addresses.join(',')}|${deps.advertisedPort() ?? '-'}|${deps.deviceName()}`;
    return { usable: addresses.length > 0, value };
  }

  function openSession(value: string): void {
    const health = { failed: false };
    const session: MdnsSession = deps.createSession({
      onFailure: (error) => {
        if (health.failed) return;
        health.failed = true;
        logger.warn({ error }, 'nearby discovery stopped working; it tries again shortly');
      },
      onWarning: (error) => logger.debug({ error }, 'nearby discovery: a multicast send failed'),
    });
    try {
      const browse = session.browse(NEARBY_SERVICE_TYPE, { up, down });
      running = { session, browse, fingerprint: value, health };
    } catch (error) {
      teardown = teardown.then(() => session.destroy()).catch(() => undefined);
      throw error;
    }
    const port = deps.advertisedPort();
    if (port !== undefined) {
      session.advertise({
        // Instance names must be unique on the network and two people may name their laptops
        // alike, so the name is the random id; the person's device name travels in TXT.
        name: `ferry-${deps.instanceId}`,
        type: NEARBY_SERVICE_TYPE,
        port,
        // Not the machine's host name: two machines (or network namespaces) may share one.
        host: `ferry-${deps.instanceId}.local`,
        txt: { name: deps.deviceName(), v: String(SIGNALING_PROTOCOL_VERSION), id: deps.instanceId },
      });
    }
  }

  function closeSession(): void {
    const closing = running;
    running = undefined;
    if (closing === undefined) return;
    teardown = teardown.then(() => closing.session.destroy()).catch(() => undefined);
    if (found.size > 0) {
      found.clear();
      changed();
    }
  }

  function poll(): void {
    if (stopped) return;
    try {
      const now = fingerprint();
      if (running !== undefined && !running.health.failed && running.fingerprint === now.value) {
        polls += 1;
        if (polls % pollsPerQuery === 0) {
          running.browse.expire();
          running.browse.query();
        }
        return;
      }
      if (running !== undefined) {
        logger.info({ failed: running.health.failed }, 'network or name changed: announcing nearby again');
      }
      closeSession();
      polls = 0;
      // Nothing to advertise on or browse from (offline, or only loopback): wait for an interface.
      if (!now.usable) return;
      const value = now.value;
      void teardown.then(() => {
        if (stopped || running !== undefined) return;
        try {
          openSession(value);
        } catch (error) {
          logger.warn({ error }, 'nearby discovery could not start; it tries again shortly');
          running = undefined;
        }
      });
    } catch (error) {
      logger.error({ error }, 'nearby discovery poll failed');
    }
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      timer = timers.setInterval(poll, deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
      poll();
    },

    async stop() {
      if (stopped) return teardown;
      stopped = true;
      if (timer !== undefined) timers.clearInterval(timer);
      closeSession();
      listeners.clear();
      return teardown;
    },

    devices: list,

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The port to advertise for the signaling service this app resolved: only a service this app
 * started itself (one another profile started is advertised by that profile; a configured one is
 * not on this machine at all).
 */
export function advertisedPortOf(
  signaling: { readonly source: string; readonly lanPort: number | undefined } | undefined,
): number | undefined {
  // lanPort is undefined when the service listens on loopback only: nobody else could reach it.
  return signaling?.source === 'embedded' ? signaling.lanPort : undefined;
}

/** IPv4 addresses other machines may reach this one on: not loopback, not link-local. */
export function usableIPv4Addresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  const addresses: string[] = [];
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      if (entry.family !== 'IPv4' || entry.internal || entry.address.startsWith('169.254.')) continue;
      addresses.push(entry.address);
    }
  }
  return addresses;
}

/**
 * `http://a.b.c.d:port` of the service: the address the announcement came from when it is one of
 * the record's IPv4 addresses or the only one known (a packet came from there, so it is routable
 * from here), else the record's first IPv4 address.
 */
function reachableUrl(service: FoundService): string | undefined {
  if (!Number.isInteger(service.port) || service.port < 1 || service.port > 65_535) return undefined;
  const usable = (address: string | undefined): address is string =>
    address !== undefined && isIPv4(address) && !address.startsWith('127.');
  const address = [service.sourceAddress, ...service.addresses].find(usable);
  return address === undefined ? undefined : `http://${address}:${service.port}`;
}
