import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Engine and browser tests share one Docker engine and fixed demo names (co1, vol, ...):
    // run files one after another so that they never see each other's containers.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    environment: 'node',
  },
})
