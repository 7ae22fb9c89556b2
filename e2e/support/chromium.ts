/**
 * How every test and benchmark launches Chromium: the system's (Debian's `chromium`, or
 * CHROMIUM_PATH), never a downloaded one; only where no system Chromium exists does Playwright
 * fall back to its own. Shared by playwright.config.ts (the tooling project) and the benchmarks.
 */
import { existsSync } from 'node:fs';

/** The system Chromium's path, or undefined where there is none (Playwright then uses its own). */
export function systemChromium(): string | undefined {
  const path = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  return existsSync(path) ? path : undefined;
}

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Inside the test's loopback-only network namespace, ICE uses 127.0.0.1 host candidates.
  '--allow-loopback-in-peer-connection',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];
