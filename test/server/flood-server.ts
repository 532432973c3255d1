/**
 * The demo server in a process of its own, for flood-memory.test.ts: its memory is then the
 * server's alone (the test's clients live in the test's process), measured after a full gc.
 * Run as `node --expose-gc --import tsx test/server/flood-server.ts <deck>` with an IPC
 * channel; it answers `{ type: 'memory' }` and stops on `{ type: 'close' }` or when the
 * channel goes.
 */
import { startStandaloneServer } from '../../demo-server/server/standalone'
import { createFakeEngine } from './fake-engine'

export interface FloodServerReady {
  type: 'ready'
  url: string
  origin: string
  token: string
}

export interface FloodServerMemory {
  type: 'memory'
  usage: NodeJS.MemoryUsage
  windows: number
}

const deckFile = process.argv[2]
if (!deckFile || !process.send || typeof globalThis.gc !== 'function')
  throw new Error('Run me as: node --expose-gc --import tsx test/server/flood-server.ts <deck>, forked with an IPC channel.')
const gc = globalThis.gc
const send = process.send.bind(process)

// Pings go unanswered for two minutes before a window is dropped: the test measures the worst
// case, viewers that liveness has not found out yet. Every viewer here is on loopback, one
// address: the cap per address is lifted so that they all get in.
const server = await startStandaloneServer({ deckFile, offline: true, port: 0, engine: createFakeEngine(), log: () => {}, windows: { pongTimeoutMs: 120_000, windowLimits: { maxViewersPerAddress: 256 } } })
send({ type: 'ready', url: server.url, origin: server.origin, token: server.token } satisfies FloodServerReady)

process.on('message', (message: { type: string }) => {
  if (message.type === 'memory') {
    // Twice, a turn apart: what the first frees may only become collectable after it.
    gc()
    setImmediate(() => {
      gc()
      send({ type: 'memory', usage: process.memoryUsage(), windows: server.demo.windowCount() } satisfies FloodServerMemory)
    })
  }
  else if (message.type === 'close') {
    void server.close().then(() => process.disconnect())
  }
})
process.once('disconnect', () => void server.close())
