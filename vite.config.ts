// Slidev merges this into its Vite config: the demo server rides on the deck's dev server, so
// slides, socket and token share one origin (demo-server/server/vite-plugin.ts); the deck's
// recordings reach every page, built or served (demo-server/server/recordings-plugin.ts).
import { defineConfig } from 'vite'
import { recordingsPlugin } from './demo-server/server/recordings-plugin.ts'
import { dockerDemoPlugin } from './demo-server/server/vite-plugin.ts'

export default defineConfig({
  plugins: [dockerDemoPlugin(), recordingsPlugin()],
  // Found only when a demo first renders a terminal, xterm.js would be optimized then, and Vite
  // reloads the page: in the middle of `slidev export` that left most of the PDF blank.
  optimizeDeps: { include: ['@xterm/xterm'] },
  // Rolldown's "[PLUGIN_TIMINGS] ... ran for 12 s" is about Slidev's plugins, not the deck: a
  // presenter can do nothing about it.
  build: { rolldownOptions: { checks: { pluginTimings: false } } },
})
