// Browser and export tests of the deck's components: real Slidev dev server, real demo server
// plugin, real Docker engine, real Chromium. Slow; one file at a time (two cores, one engine).
//   npx vitest run -c test/browser/vitest.config.ts
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'browser',
    environment: 'node',
    include: ['test/browser/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
