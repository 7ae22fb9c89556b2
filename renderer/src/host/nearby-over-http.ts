/**
 * Nearby devices for a browser page served by a Ferry desktop's own service (the headless desktop
 * runtime, or a desktop opened in a browser on the same machine): that service knows what the
 * desktop's DNS-SD discovery found, and answers it over HTTP. There is no push channel, so the
 * page asks every few seconds while someone listens; a page served by a service without that
 * endpoint (the standalone internet service) simply hears an empty list.
 */
import type { NearbyService } from '../../../contracts/local-service';

export const NEARBY_POLL_INTERVAL_MS = 4_000;

export interface NearbyOverHttpDeps {
  /** The endpoint's full URL. */
  readonly url: string;
  /** Reads the endpoint's answer into the list, or undefined when it is not one. */
  readonly parse: (body: unknown) => readonly NearbyService[] | undefined;
  readonly fetch: (url: string) => Promise<{ readonly ok: boolean; json(): Promise<unknown> }>;
  readonly intervalMs?: number;
  readonly setTimeout?: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
}

export function watchNearbyOverHttp(
  deps: NearbyOverHttpDeps,
): (handler: (devices: readonly NearbyService[]) => void) => () => void {
  const later = deps.setTimeout ?? ((callback, ms) => globalThis.setTimeout(callback, ms));
  const cancel = deps.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle as number));
  const intervalMs = deps.intervalMs ?? NEARBY_POLL_INTERVAL_MS;

  return (handler) => {
    let stopped = false;
    let timer: unknown;
    let last: string | undefined;
    const deliver = (devices: readonly NearbyService[]): void => {
      const key = JSON.stringify(devices);
      if (stopped || key === last) return;
      last = key;
      handler(devices);
    };
    const poll = async (): Promise<void> => {
      try {
        const response = await deps.fetch(deps.url);
        // An older or standalone service without the endpoint: nobody nearby, as far as we know.
        deliver(response.ok ? (deps.parse(await response.json()) ?? []) : []);
      } catch {
        // The service is restarting or gone: keep what we had, and ask again later.
      }
      if (!stopped) timer = later(() => void poll(), intervalMs);
    };
    deliver([]);
    void poll();
    return () => {
      stopped = true;
      if (timer !== undefined) cancel(timer);
    };
  };
}
