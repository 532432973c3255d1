// Unit tests of the deck's components: happy-dom, the Vue SFC plugin, and a stand-in for
// @slidev/client (its real module needs Slidev's generated virtual modules).
//   npx vitest run -c test/components/vitest.config.ts
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  plugins: [vue()],
  resolve: {
    alias: {
      '@slidev/client': fileURLToPath(new URL('./slidev-client.mock.ts', import.meta.url)),
    },
  },
  test: {
    name: 'components',
    environment: 'happy-dom',
    include: ['test/components/**/*.test.ts'],
  },
})
