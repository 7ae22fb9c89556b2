import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The standalone signaling service: one Node entry, dependencies left as imports.
export default defineConfig({
  build: {
    ssr: resolve(import.meta.dirname, 'src/cli.ts'),
    outDir: resolve(import.meta.dirname, '../out/signaling'),
    emptyOutDir: true,
    target: 'node22',
    rollupOptions: { output: { entryFileNames: 'cli.js', format: 'es' } },
  },
});
