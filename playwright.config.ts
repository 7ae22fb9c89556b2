import { defineConfig } from '@playwright/test';
import { chromiumArgs, systemChromium } from './e2e/support/chromium';

/**
 * End-to-end tests drive real Chromium peers (e2e/support/chromium.ts) against a real signaling
 * service.
 */
const executablePath = systemChromium();

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
