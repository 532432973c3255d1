#!/usr/bin/env node
// npm run export [-- deck.md] [--output path.pdf] [slidev export args...]
//
// Writes the deck's PDF handout to handouts/<deck name>.pdf through Slidev's export and
// Debian's Chromium. Each demo prints its steps' recorded output (no demo runs: print mode
// opens no socket). Slidev exits 0 even when a page timed out, so its output is checked here,
// and the demos printed without (or with stale) recordings are named with the command that
// records them.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const args = process.argv.slice(2)
const deckIndex = args.findIndex(arg => !arg.startsWith('-') && arg.endsWith('.md'))
const deck = path.resolve(deckIndex === -1 ? 'slides.md' : args.splice(deckIndex, 1)[0])
const outputIndex = args.indexOf('--output')
const output = path.resolve(outputIndex === -1
  ? path.join(root, 'handouts', `${path.basename(deck, '.md')}.pdf`)
  : args.splice(outputIndex, 2)[1])
const slidev = path.join(root, 'node_modules/@slidev/cli/bin/slidev.mjs')

for (const [file, what] of [[deck, `The deck ${deck} does not exist.`], [slidev, 'Slidev is not installed: run "npm ci" first.'], [CHROMIUM, `No Chromium at ${CHROMIUM}: apt-get install chromium fonts-noto-cjk (or set CHROMIUM_PATH).`]]) {
  if (!existsSync(file)) {
    console.error(what)
    process.exit(2)
  }
}
mkdirSync(path.dirname(output), { recursive: true })

const child = spawn(process.execPath, [slidev, 'export', deck, '--executable-path', CHROMIUM, '--output', output, '--timeout', '60000', ...args], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, DOCKER_DEMO_DECK: deck },
})
let log = ''
child.stdout.on('data', (data) => { log += data; process.stdout.write(data) })
child.stderr.on('data', (data) => { log += data; process.stderr.write(data) })
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal))
}

child.on('exit', (code) => {
  const problems = []
  if (code !== 0)
    problems.push(`slidev export exited with code ${code}.`)
  // Slidev logs a page that never settled and still exits 0, with that page missing or blank.
  if (log.includes('TimeoutError'))
    problems.push('A slide timed out while exporting (TimeoutError above): the PDF is incomplete. Check that page in `npm start`, then export again.')
  if (!existsSync(output) || statSync(output).size === 0)
    problems.push(`No PDF was written to ${output}.`)
  // The recordings plugin (demo-server/server/recordings-plugin.ts) names what it lacks.
  const recordings = [...new Set(log.split('\n').filter(line => /^\[docker-demo\] (no|stale) recording/.test(line)))]
  if (problems.length > 0) {
    console.error(`\nexport FAILED:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    process.exitCode = 1
    return
  }
  console.log(`\nHandout written: ${path.relative(process.cwd(), output)}`)
  if (recordings.length > 0)
    console.log(`Demos printed without their output (record them, then export again):\n${recordings.map(line => `  - ${line.replace('[docker-demo] ', '')}`).join('\n')}`)
})
child.on('error', (error) => {
  console.error(`Cannot start Slidev: ${error.message}`)
  process.exitCode = 1
})
