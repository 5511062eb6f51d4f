// electron-vite: main and preload for Node/Electron, the renderer for Chromium.
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'
import { CONTENT_SECURITY_POLICY, cspHeaders, rendererWorker } from './vite.renderer.config'

export default defineConfig({
  main: {
    // The app:// handler sends the renderer's CSP as a header, which is what the boot worker obeys.
    define: { __BOOTLAB_CSP__: JSON.stringify(CONTENT_SECURITY_POLICY) },
    build: { outDir: 'out/main' },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot be an ES module: Electron loads it as CommonJS.
      rolldownOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    plugins: [vue()],
    worker: rendererWorker,
    server: { headers: cspHeaders },
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified by default; Monaco alone is ~2 MB smaller minified.
      minify: true,
      chunkSizeWarningLimit: 6000,
    },
  },
})
