import type { NetworkDefaults } from '../../contracts/network-defaults';

declare global {
  /** The app version, injected at build time from package.json. */
  const __FERRY_VERSION__: string;
  /** The internet signaling service and ICE servers this build starts with (contracts/network-defaults.ts). */
  const __FERRY_NETWORK_DEFAULTS__: NetworkDefaults;
}
