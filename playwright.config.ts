import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive real Chromium peers against a real signaling service. We use the
 * system's Chromium (Debian's `chromium`, or CHROMIUM_PATH) and never download a browser; only
 * where no system Chromium exists do we fall back to Playwright's own.
 */
const systemChromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const executablePath = existsSync(systemChromium) ? systemChromium : undefined;

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

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  // Two cores: one test (two peers) at a time keeps timing-sensitive WebRTC steady.
  workers: 1,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: process.env['CI'] ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    browserName: 'chromium',
    launchOptions: { ...(executablePath ? { executablePath } : {}), args: chromiumArgs },
    // Chromium offers host candidates (rather than mDNS names) only with media permission.
    permissions: ['microphone'],
    trace: 'retain-on-failure',
  },
});
