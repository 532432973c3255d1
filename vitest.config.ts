import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// One config for every test; run a part with a path: `npx vitest run test/browser`.
export default defineConfig({
  // Component tests mount .vue files.
  plugins: [vue()],
  resolve: {
    alias: {
      // The recordings plugin's virtual module (demo-server/server/recordings-plugin.ts): in
      // component tests, an object the tests fill.
      'virtual:docker-demo-recordings': fileURLToPath(new URL('./test/components/recordings.mock.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Engine and browser tests share one Docker engine and fixed demo names (co1, vol, ...):
    // run files one after another so that they never see each other's containers.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    environment: 'node',
    // Runtime files and the session key of test servers stay out of the developer's own.
    env: { DOCKER_DEMO_STATE_DIR: path.join(os.tmpdir(), 'docker-demo-test-state') },
  },
})
