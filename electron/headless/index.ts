/**
 * `npm start` where the Electron binary is missing: the desktop's own services without a window
 * (services/desktop-runtime.ts): the embedded signaling service on its usual port and host,
 * serving the browser client, with this machine's join addresses and nearby devices. A browser on
 * this machine is then a whole Ferry desktop minus the window; other computers on the network
 * pair with it with nothing configured.
 *
 * Plain Node: it must never import `electron`. Stops cleanly on SIGINT / SIGTERM.
 */
import * as fs from 'node:fs/promises';
import { homedir, hostname, networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSignalingService } from '../../signaling/src/service';
import { startDesktopRuntime } from '../main/services/desktop-runtime';
import { createMainLogger } from '../main/services/logger';
import { createAppNearbyDiscovery } from '../main/services/nearby/app-nearby';
import { advertisedPortOf } from '../main/services/nearby/nearby-discovery';
import { appDataDir, chooseProfile, profileUserDataDir } from '../main/services/profile';
import { openSettingsStore } from '../main/services/settings-store';

const PRODUCT_NAME = 'Ferry';
/** The build puts this file in out/headless/ and the browser client in out/renderer/. */
const BUILT_WEB_CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const profile = chooseProfile(process.argv, process.env);
  if (profile.kind === 'invalid') {
    process.stderr.write(`"${profile.value}" is not a usable profile name (letters, digits, - and _).\n`);
    process.exitCode = 2;
    return;
  }
  const appData = appDataDir(process.platform, process.env, homedir());
  const userData =
    profile.kind === 'named'
      ? profileUserDataDir(appData, PRODUCT_NAME, profile.name)
      : join(appData, PRODUCT_NAME);
  const logger = createMainLogger({ file: join(userData, 'logs', 'headless.log') });
  process.on('unhandledRejection', (reason) => logger.error({ reason }, 'unhandled rejection'));

  // The same settings file the desktop app keeps: device name and identity for nearby discovery.
  const settings = await openSettingsStore({
    file: join(userData, 'settings.json'),
    fs,
    hostName: hostname(),
    networkDefaults: __FERRY_NETWORK_DEFAULTS__,
    defaultReceiveFolder: join(homedir(), 'Downloads', PRODUCT_NAME),
    logger,
  });
  // Nearby Ferry devices (DNS-SD): browsing at once, advertising once the service listens.
  // Filled in once the service listens; discovery reads it at each poll.
  const advertised: { port: number | undefined } = { port: undefined };
  const nearby = createAppNearbyDiscovery({
    deviceName: () => settings.get().deviceName,
    advertisedPort: () => advertised.port,
    logger: logger.child({ component: 'nearby' }),
  });
  nearby.start();
  const runtime = await startDesktopRuntime({
    env: process.env,
    startService: (options) =>
      startSignalingService({ ...options, logger: logger.child({ component: 'signaling' }) }),
    fetch,
    networkInterfaces,
    staticDir: BUILT_WEB_CLIENT_DIR,
    nearby: () => nearby.devices(),
    logger,
  });
  advertised.port = advertisedPortOf(runtime.signaling);
  const signaling = runtime.signaling;
  if (signaling === undefined) {
    await nearby.stop();
    process.stderr.write(
      `Ferry could not start its pairing service (see ${join(userData, 'logs', 'headless.log')}).\n`,
    );
    process.exitCode = 1;
    return;
  }
  say(`Ferry is running as "${settings.get().deviceName}".`);
  say(`Open ${signaling.url} in a browser on this computer.`);
  const others = runtime.localInfo().joinBaseUrls;
  if (others.length > 0) say(`Other devices on this network can open ${others.join(' or ')}.`);
  say('Press Ctrl+C to stop.');
  logger.info({ url: signaling.url, source: signaling.source, userData }, 'Ferry services started');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second Ctrl+C means "now": do not wait for a stuck close.
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    // Goodbye on the network first, so that the others drop this device at once.
    Promise.all([nearby.stop(), runtime.stop()]).then(
      () => {
        say('Ferry stopped.');
        logger.info({}, 'stopped');
        logger.flush();
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Ferry could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
