import type { NetworkDefaults } from '../../contracts/network-defaults';

declare global {
  /** The internet signaling service and ICE servers this build starts with (contracts/network-defaults.ts). */
  const __FERRY_NETWORK_DEFAULTS__: NetworkDefaults;
}
