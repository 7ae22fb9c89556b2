/** The app version, injected at build time from package.json. */
declare const __FERRY_VERSION__: string;

/** The internet signaling service and ICE servers this build starts with (contracts/network-defaults.ts). */
declare const __FERRY_NETWORK_DEFAULTS__: import('../../contracts/network-defaults').NetworkDefaults;
