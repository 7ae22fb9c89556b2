import { defineConfig } from '@playwright/test';
import { chromiumArgs, systemChromium } from '../support/chromium';

/**
 * `npm run screenshots`: the README's pictures of every main screen (docs/screenshots/), taken from
 * the built web client by two real browser peers, as the end-to-end tests drive them. Not part of
 * the test suite: it asserts only that each screen is there before it is photographed.
 */
const executablePath = systemChromium();

export default defineConfig({
  testDir: '.',
  testMatch: '*.shot.ts',
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { ...(executablePath ? { executablePath } : {}), args: chromiumArgs },
    permissions: ['microphone'],
  },
});
