// Web mode: the same renderer served by Vite without Electron (`npm run web`, e2e tests).
import vue from '@vitejs/plugin-vue'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig, type UserConfig } from 'vite'

/** The CSP of src/renderer/index.html, where each relaxation is explained; the one source for every host. */
export const CONTENT_SECURITY_POLICY = (() => {
  const html = readFileSync(resolve(import.meta.dirname, 'src/renderer/index.html'), 'utf8')
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
  if (!csp) throw new Error('src/renderer/index.html has no Content-Security-Policy <meta>')
  return csp
})()

/** Workers are ES modules so the boot worker can import the core and web-tree-sitter with code splitting. */
export const rendererWorker: UserConfig['worker'] = { format: 'es' }

/** Sent as a header too: workers obey only their own response's CSP, never the page's <meta>. */
export const cspHeaders = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY }

export default defineConfig({
  root: resolve(import.meta.dirname, 'src/renderer'),
  base: './',
  plugins: [vue()],
  worker: rendererWorker,
  server: { host: '127.0.0.1', port: 5173, strictPort: true, headers: cspHeaders },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: cspHeaders },
  build: {
    outDir: resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    minify: true,
    // Monaco with all editor features is ~4.5 MB minified; the warning would fire on every build.
    chunkSizeWarningLimit: 6000,
  },
})
