/**
 * `MdnsSession` on bonjour-service (a maintained DNS-SD/mDNS implementation over multicast-dns).
 *
 * Two things the library leaves to its user, handled here because either would crash the app:
 * its default error callback throws, and its multicast socket emits `error` (EADDRINUSE, EACCES)
 * on an emitter nobody listens to, which Node turns into an uncaught exception.
 */
import type { EventEmitter } from 'node:events';
import { Bonjour, type Service } from 'bonjour-service';
import type { Browse, CreateMdnsSession, FoundService, MdnsSession } from './mdns-session';

/** bonjour-service keeps its multicast-dns instance private; its events are needed (see above). */
interface BonjourInternals {
  readonly server?: { readonly mdns?: EventEmitter };
}

export const createBonjourSession: CreateMdnsSession = (events) => {
  const bonjour = new Bonjour({}, (error: unknown) => events.onWarning(error));
  const mdns = (bonjour as unknown as BonjourInternals).server?.mdns;
  mdns?.on('error', (error: unknown) => events.onFailure(error));
  mdns?.on('warning', (error: unknown) => events.onWarning(error));
  let published: Service | undefined;

  const session: MdnsSession = {
    advertise(advertisement) {
      published = bonjour.publish({
        name: advertisement.name,
        type: advertisement.type,
        protocol: 'tcp',
        port: advertisement.port,
        host: advertisement.host,
        txt: { ...advertisement.txt },
        // The LAN address is what other devices can use; IPv6 link-local needs a zone they lack.
        disableIPv6: true,
      });
      published.on('error', (error: unknown) => events.onWarning(error));
    },

    browse(type, handlers): Browse {
      const browser = bonjour.find({ type, protocol: 'tcp' });
      browser.on('up', (service) => handlers.up(found(service)));
      browser.on('srv-update', (service) => handlers.up(found(service)));
      browser.on('txt-update', (service) => handlers.up(found(service)));
      browser.on('down', (service) => handlers.down(service.fqdn));
      return { query: () => browser.update(), expire: () => browser.expire() };
    },

    destroy() {
      return new Promise((resolve) => {
        const close = (): void => {
          try {
            bonjour.destroy(() => resolve());
          } catch (error) {
            events.onWarning(error);
            resolve();
          }
        };
        // Goodbye packets (TTL 0) first, so that the others drop us at once instead of at expiry.
        if (published === undefined) close();
        else bonjour.unpublishAll(close);
      });
    },
  };
  return session;
};

function found(service: Service): FoundService {
  return {
    fqdn: service.fqdn,
    port: service.port,
    txt: service.txt as unknown,
    addresses: service.addresses ?? [],
    sourceAddress: service.referer?.address,
  };
}
