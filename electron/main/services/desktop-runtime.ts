/**
 * The desktop's own services that need no window: the embedded signaling service (which also
 * serves the browser client) and what it tells its pages about this machine (join addresses for
 * the QR code, nearby Ferry devices). The Electron main process runs it beside its window and tray;
 * `npm start` without the Electron binary runs it alone (electron/headless), so that a browser on
 * that machine is a whole Ferry desktop minus the window.
 */
import type { LocalInfo, NearbyService } from '../../../contracts/local-service';
import { lanBaseUrls, type NetworkInterfaces } from './lan-addresses';
import type { Logger } from './logger';
import {
  resolveSignaling,
  type ProbeFetch,
  type ResolvedSignaling,
  type StartService,
} from './signaling-resolver';

export interface DesktopRuntimeOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly startService: StartService;
  readonly fetch: ProbeFetch;
  readonly networkInterfaces: NetworkInterfaces;
  /** The built renderer, served as the browser client. */
  readonly staticDir?: string;
  /** Ferry devices found on the local network; none without discovery. */
  readonly nearby?: () => readonly NearbyService[];
  readonly logger: Logger;
}

export interface DesktopRuntime {
  /** The service this app's pages pair through; undefined when none could start. */
  readonly signaling: ResolvedSignaling | undefined;
  /** Read fresh each time: addresses change as networks come and go. */
  localInfo(): LocalInfo;
  stop(): Promise<void>;
}

export async function startDesktopRuntime(options: DesktopRuntimeOptions): Promise<DesktopRuntime> {
  const { logger } = options;
  // The service asks for this on each request, so it reads the port once the service is up.
  const started: { signaling?: ResolvedSignaling | undefined } = {};
  const localInfo = (): LocalInfo => {
    const lanPort = started.signaling?.lanPort;
    return {
      joinBaseUrls: lanPort === undefined ? [] : lanBaseUrls(options.networkInterfaces, lanPort),
      nearby: [...(options.nearby?.() ?? [])],
    };
  };
  const signaling = await resolveSignaling({
    env: options.env,
    startService: options.startService,
    fetch: options.fetch,
    ...(options.staticDir === undefined ? {} : { staticDir: options.staticDir }),
    localInfo,
    logger,
  }).catch((error: unknown) => {
    logger.error({ error }, 'no signaling service: pairing is unavailable until the settings name one');
    return undefined;
  });
  started.signaling = signaling;
  return {
    signaling,
    localInfo,
    stop: async () => {
      await signaling?.stop();
    },
  };
}
