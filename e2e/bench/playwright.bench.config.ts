import { defineConfig } from '@playwright/test';

/**
 * Benchmarks (`npm run bench:*`): figures printed, never asserted as timings. They launch their own
 * Chromium instances (two browsers, not two contexts of one), so no `use.launchOptions` here.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.bench.ts',
  workers: 1,
  retries: 0,
  timeout: 20 * 60_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
});
