// Slidev merges this into its Vite config: the demo server rides on the deck's dev server, so
// slides, socket and token share one origin (demo-server/server/vite-plugin.ts); the deck's
// recordings reach every page, built or served (demo-server/server/recordings-plugin.ts).
import { defineConfig } from 'vite'
import { recordingsPlugin } from './demo-server/server/recordings-plugin.ts'
import { dockerDemoPlugin } from './demo-server/server/vite-plugin.ts'

export default defineConfig({
  plugins: [dockerDemoPlugin(), recordingsPlugin()],
})
