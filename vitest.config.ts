import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Tiers 1 and 2: unit tests and Node service tests, beside the code they test. Browser code that
// needs a DOM opts in per file with `// @vitest-environment jsdom`.
export default defineConfig({
  plugins: [react()],
  resolve: {
    // simple-peer takes WebRTC from `webrtc-polyfill`; in Node tests that is @roamhq/wrtc.
    alias: {
      'webrtc-polyfill': fileURLToPath(
        new URL('renderer/src/engine/testing/node-webrtc.ts', import.meta.url),
      ),
    },
  },
  define: {
    __FERRY_VERSION__: JSON.stringify('0.0.0-test'),
    __FERRY_NETWORK_DEFAULTS__: JSON.stringify({ internetSignalingUrl: '', iceServers: [] }),
  },
  test: {
    include: ['{contracts,signaling,electron,renderer}/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Inlined so that the alias above applies to simple-peer's own import of `webrtc-polyfill`.
    server: { deps: { inline: ['@thaunknown/simple-peer'] } },
  },
});
