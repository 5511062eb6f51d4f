// Web mode: the same renderer served by Vite without Electron (`npm run web`, e2e tests).
import vue from '@vitejs/plugin-vue'
import { resolve } from 'node:path'
import { defineConfig, type UserConfig } from 'vite'

/** Workers are ES modules so the boot worker can import the core and web-tree-sitter with code splitting. */
export const rendererWorker: UserConfig['worker'] = { format: 'es' }

export default defineConfig({
  root: resolve(import.meta.dirname, 'src/renderer'),
  base: './',
  plugins: [vue()],
  worker: rendererWorker,
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: {
    outDir: resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    minify: true,
    // Monaco with all editor features is ~4.5 MB minified; the warning would fire on every build.
    chunkSizeWarningLimit: 6000,
  },
})
