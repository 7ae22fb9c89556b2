import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { resolveNetworkDefaults } from '../../contracts/network-defaults';
import packageJson from '../../package.json' with { type: 'json' };

// The desktop's services without a window (`npm start` where Electron's binary is missing): one
// Node entry, dependencies left as imports.
export default defineConfig({
  define: {
    __FERRY_NETWORK_DEFAULTS__: JSON.stringify(
      resolveNetworkDefaults(packageJson.ferryNetworkDefaults, process.env),
    ),
  },
  build: {
    ssr: resolve(import.meta.dirname, 'index.ts'),
    outDir: resolve(import.meta.dirname, '../../out/headless'),
    emptyOutDir: true,
    target: 'node22',
    rollupOptions: { output: { entryFileNames: 'index.js', format: 'es' } },
  },
});
