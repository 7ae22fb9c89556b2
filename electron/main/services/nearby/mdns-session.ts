/**
 * What nearby discovery needs from a DNS-SD library, and no more: one advertisement and one
 * browse on one multicast socket. `bonjour-session.ts` implements it with bonjour-service; tests
 * pass a fake, so the discovery logic (polling, self-filtering, parsing) runs without a network.
 */

/** This device's advertisement: `<name>._<type>._tcp.local` → `<host>:<port>`, with TXT. */
export interface Advertisement {
  /** DNS-SD instance name; unique on the network (see nearby-discovery.ts). */
  readonly name: string;
  /** Service type without underscore or protocol, e.g. 'ferry' for `_ferry._tcp`. */
  readonly type: string;
  readonly port: number;
  /** Host name for the SRV/A records, e.g. `ferry-<id>.local`. */
  readonly host: string;
  readonly txt: Readonly<Record<string, string>>;
}

/** A service instance seen on the network, as the library decoded it (untrusted content). */
export interface FoundService {
  /** Its full name, e.g. `ferry-abc._ferry._tcp.local`: the key of the instance. */
  readonly fqdn: string;
  readonly port: number;
  /** Decoded TXT record; values are whatever the sender put there. */
  readonly txt: unknown;
  /** Addresses from its A/AAAA records. */
  readonly addresses: readonly string[];
  /** The address the announcement came from, when known. */
  readonly sourceAddress: string | undefined;
}

export interface BrowseHandlers {
  /** A new instance, or new records for one already seen. */
  up(service: FoundService): void;
  /** The instance said goodbye or its records expired. */
  down(fqdn: string): void;
}

export interface Browse {
  /** Asks the network again (new devices announce themselves; this catches the ones we missed). */
  query(): void;
  /** Drops instances whose records outlived their TTL (reported through `down`). */
  expire(): void;
}

export interface MdnsSession {
  advertise(advertisement: Advertisement): void;
  browse(type: string, handlers: BrowseHandlers): Browse;
  /** Says goodbye for the advertisement (TTL 0) and closes the socket. Never rejects. */
  destroy(): Promise<void>;
}

export interface MdnsSessionEvents {
  /** The session cannot work any more (its socket failed); discovery starts a new one later. */
  onFailure(error: unknown): void;
  /** Something went wrong that the session survives (a send failed on one interface). */
  onWarning(error: unknown): void;
}

export type CreateMdnsSession = (events: MdnsSessionEvents) => MdnsSession;
