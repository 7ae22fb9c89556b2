import { defineConfig } from '@playwright/test';

/**
 * The NAT lab's matrix (`npm run lab:nat`, scripts/lab-nat.mjs): figures printed and written to
 * docs/nat-lab.md, never asserted as timings. Its browsers are launched inside the lab's home
 * namespaces (e2e/support/nat-lab.ts), so no `use.launchOptions` here.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.lab.ts',
  workers: 1,
  retries: 0,
  timeout: 90 * 60_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
});
