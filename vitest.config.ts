import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// One runner for every suite: core, interpreter, labs, stores, and the browser end-to-end tests.
export default defineConfig({
  // Component tests import .vue files.
  plugins: [vue()],
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
