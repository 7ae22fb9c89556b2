import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { resolveNetworkDefaults } from './contracts/network-defaults';
import packageJson from './package.json' with { type: 'json' };

// Chosen at build time (package.json, or the packaging run's environment): see contracts/network-defaults.ts.
const networkDefaults = JSON.stringify(resolveNetworkDefaults(packageJson.ferryNetworkDefaults, process.env));

// One build for the three Electron targets. The renderer bundle is also what the signaling service
// serves as the browser client, so it uses relative asset paths that work from file:// and http(s).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve('electron/main/index.ts') } },
    },
    define: { __FERRY_NETWORK_DEFAULTS__: networkDefaults },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        // A sandboxed preload cannot `require` an ES module: emit CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    base: './',
    plugins: [
      react(),
      {
        // Beside index.html, so that the service serving this client as the browser client knows
        // which internet service it will talk to, and allows exactly that one in its CSP
        // (signaling/src/web-client-csp.ts).
        name: 'ferry-network-defaults',
        generateBundle() {
          this.emitFile({ type: 'asset', fileName: 'network-defaults.json', source: networkDefaults });
        },
      },
    ],
    define: {
      __FERRY_VERSION__: JSON.stringify(packageJson.version),
      __FERRY_NETWORK_DEFAULTS__: networkDefaults,
    },
    build: {
      outDir: 'out/renderer',
      // The same bundle is served to browser peers over the network: keep it small.
      minify: true,
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
