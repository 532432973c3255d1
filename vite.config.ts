// Slidev merges this into its Vite config: the demo server rides on the deck's dev server, so
// slides, socket and token share one origin. See demo-server/server/vite-plugin.ts.
import { defineConfig } from 'vite'
import { dockerDemoPlugin } from './demo-server/server/vite-plugin'

export default defineConfig({
  plugins: [dockerDemoPlugin()],
})
