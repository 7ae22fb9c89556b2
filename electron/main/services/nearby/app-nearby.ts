/**
 * Nearby discovery as the app runs it, on the real network (bonjour-service, this machine's
 * interfaces, a fresh instance id per run). Shared by the Electron main process and the headless
 * runtime (electron/headless), so both advertise and browse the same way.
 */
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type { Logger } from '../logger';
import { createBonjourSession } from './bonjour-session';
import { createNearbyDiscovery, type NearbyDiscovery } from './nearby-discovery';

export interface AppNearbyOptions {
  /** This device's name as its person set it (the settings' deviceName). */
  readonly deviceName: () => string;
  /** The embedded service's LAN port once it runs (see `advertisedPortOf`). */
  readonly advertisedPort: () => number | undefined;
  readonly logger: Logger;
}

export function createAppNearbyDiscovery(options: AppNearbyOptions): NearbyDiscovery {
  return createNearbyDiscovery({
    createSession: createBonjourSession,
    networkInterfaces,
    // base64url: letters, digits, - and _, as the TXT schema wants.
    instanceId: randomBytes(9).toString('base64url'),
    ...options,
  });
}
