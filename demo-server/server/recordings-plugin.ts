/**
 * Brings the deck's recordings to the page as the virtual module `virtual:docker-demo-recordings`
 * (components/recordings.ts names it and types its data). One plugin for every way Slidev runs:
 * in `slidev` and `slidev export` the page also learns that a demo server is beside it; in
 * `slidev build` it learns there is none, so the static deck replays and opens no socket.
 */
import type { Plugin, ResolvedConfig } from 'vite'
import path from 'node:path'
import { RECORDINGS_MODULE } from '../../components/recordings.ts'
import { loadDeckRecordings, recordingsReport } from '../recordings/deck-recordings.ts'
import { recordingsDir } from '../recordings/store.ts'
import { DECK_ENV, deckFromArgv } from './vite-plugin.ts'

const RESOLVED = `\0${RECORDINGS_MODULE}`

export function recordingsPlugin(options: { deck?: string } = {}): Plugin {
  let config: ResolvedConfig
  let deckFile: string
  let reported = ''
  return {
    name: 'docker-demo-recordings',
    configResolved(resolved) {
      config = resolved
      deckFile = path.resolve(options.deck ?? process.env[DECK_ENV] ?? deckFromArgv(process.argv) ?? path.join(resolved.root, 'slides.md'))
    },
    resolveId(id) {
      return id === RECORDINGS_MODULE ? RESOLVED : undefined
    },
    async load(id) {
      if (id !== RESOLVED)
        return undefined
      const data = await loadDeckRecordings(deckFile, config.command === 'serve')
      const report = recordingsReport(data).map(line => `[docker-demo] ${line}`).join('\n')
      // Once per content: the module loads again for every page in export and on each reload.
      if (report && report !== reported)
        console.warn(report)
      reported = report
      return `export default ${JSON.stringify(data)}`
    },
    configureServer(server) {
      // A new rehearsal replaces the .cast files: reload the pages that replay them.
      const dir = recordingsDir(deckFile)
      server.watcher.add(dir)
      const onChange = (file: string) => {
        const recording = file.startsWith(dir + path.sep)
        if (!recording && file !== deckFile)
          return
        const module = server.moduleGraph.getModuleById(RESOLVED)
        if (module)
          server.moduleGraph.invalidateModule(module)
        // Deck edits reach the page through Slidev's own HMR; staleness catches up on reload.
        if (recording)
          server.ws.send({ type: 'full-reload' })
      }
      for (const event of ['add', 'change', 'unlink'] as const)
        server.watcher.on(event, onChange)
    },
  }
}
