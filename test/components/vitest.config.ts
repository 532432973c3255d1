// Unit tests of the deck's components alone: the Vue SFC plugin is all they need beyond the
// root config (the mount test asks for happy-dom and mocks @slidev/client itself).
//   npx vitest run -c test/components/vitest.config.ts
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  plugins: [vue()],
  test: {
    name: 'components',
    include: ['test/components/**/*.test.ts'],
  },
})
