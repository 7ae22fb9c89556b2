/** The app version, injected at build time from package.json. */
declare const __FERRY_VERSION__: string;
