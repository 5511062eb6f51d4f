// The installed `bootlab` command: src/cli/main.ts (the dispatcher) and everything it imports, bundled for Node into out/cli/bootlab.mjs.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import { CONTENT_SECURITY_POLICY } from './vite.renderer.config'

// Left to node_modules: each loads its .wasm file from beside its own module.
const WASM_PACKAGES = ['web-tree-sitter', 'tree-sitter-c']

export default defineConfig({
  define: { __BOOTLAB_CSP__: JSON.stringify(CONTENT_SECURITY_POLICY) },
  // yaml's ES-module build (the one browsers get) rather than its CommonJS one: the CommonJS
  // modules all run when the bundle loads (about 9 ms of every cold command), the ES build's
  // top level only defines classes.
  resolve: { alias: [{ find: /^yaml$/, replacement: resolve(import.meta.dirname, 'node_modules/yaml/browser/index.js') }] },
  ssr: { noExternal: true, external: WASM_PACKAGES },
  build: {
    ssr: true,
    target: 'node20',
    outDir: resolve(import.meta.dirname, 'out/cli'),
    emptyOutDir: true,
    minify: false,
    rolldownOptions: {
      input: { bootlab: resolve(import.meta.dirname, 'src/cli/main.ts') },
      output: { format: 'es', entryFileNames: '[name].mjs' },
    },
  },
})
