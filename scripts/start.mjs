#!/usr/bin/env node
// npm start [deck.md] [--offline] [--open] [slidev args...]
//
// Starts Slidev's dev server on the deck; vite.config.ts adds the demo server to it, so the
// slides, the demo socket and the token share one origin. The deck's path travels to the
// plugin in DOCKER_DEMO_DECK. One node process (no npx parents), so Ctrl-C and kill reach it.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const args = process.argv.slice(2)
const deckIndex = args.findIndex(arg => !arg.startsWith('-') && arg.endsWith('.md'))
const deck = path.resolve(deckIndex === -1 ? 'slides.md' : args.splice(deckIndex, 1)[0])
// --offline is ours, not Slidev's: never pull, skip `online` steps.
const offlineIndex = args.indexOf('--offline')
const offline = offlineIndex !== -1
if (offline)
  args.splice(offlineIndex, 1)
// --open (-o) opens the presenter's login URL (demo-server/server/vite-plugin.ts), which
// Slidev does not know: it would open the bare deck, a window without controls.
const openFlags = new Set(['--open', '-o', '--open=true'])
const open = args.some(arg => openFlags.has(arg))
for (let index = args.findIndex(arg => openFlags.has(arg)); index !== -1; index = args.findIndex(arg => openFlags.has(arg)))
  args.splice(index, 1)
const slidev = path.join(root, 'node_modules/@slidev/cli/bin/slidev.mjs')

if (!existsSync(deck)) {
  console.error(`The deck ${deck} does not exist. Start another one with: npm start -- path/to/deck.md`)
  process.exit(2)
}
if (!existsSync(slidev)) {
  console.error(`Slidev is not installed (${slidev} is missing): run "npm ci" first.`)
  process.exit(2)
}

const child = spawn(process.execPath, [slidev, deck, ...args], {
  stdio: 'inherit',
  env: { ...process.env, DOCKER_DEMO_DECK: deck, ...(offline ? { DOCKER_DEMO_OFFLINE: '1' } : {}), ...(open ? { DOCKER_DEMO_OPEN: '1' } : {}) },
})
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null)
      child.kill(signal)
  })
}
child.on('exit', (code, signal) => {
  // As a shell reports a child killed by a signal: 128 + its number (130 for SIGINT, 129 SIGHUP).
  process.exitCode = code ?? (signal ? 128 + os.constants.signals[signal] : 1)
})
child.on('error', (error) => {
  console.error(`Cannot start Slidev: ${error.message}`)
  process.exitCode = 1
})
