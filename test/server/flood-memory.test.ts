/**
 * Many viewers asking for the snapshot of a big history, and not reading it: the server holds
 * the history once and the frame once, whoever asks, and lets it all go when they leave. The
 * server runs in a child process (test/server/flood-server.ts) so that its heap is measured
 * alone, after a full gc, against a baseline taken in the same test.
 */
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import path from 'node:path'
import type net from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { NodeDemoClient } from '../../demo-server/server/client'
import type { FloodServerMemory, FloodServerReady } from './flood-server'
import type { Sandbox } from './helpers'
import { isEnded, sandbox, until } from './helpers'

const VIEWERS = 120
/** Each viewer subscribes this often (unsubscribing in between): each time, a snapshot. */
const SNAPSHOTS_PER_VIEWER = 4
const MiB = 1024 * 1024

let box: Sandbox
let child: ChildProcess
let ready: FloodServerReady

beforeAll(async () => {
  box = await sandbox('flood.md')
  child = fork(path.join(import.meta.dirname, 'flood-server.ts'), [box.deck], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  ready = await new Promise<FloodServerReady>((resolve, reject) => {
    child.once('message', message => resolve(message as FloodServerReady))
    child.once('exit', code => reject(new Error(`test/server/flood-server.ts exited with ${code} before it listened`)))
  })
}, 30_000)

afterAll(async () => {
  if (child?.connected) {
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.send({ type: 'close' })
    await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 5_000))])
  }
  child?.kill()
  await box?.[Symbol.asyncDispose]()
})

function memory(): Promise<FloodServerMemory> {
  return new Promise((resolve) => {
    child.once('message', message => resolve(message as FloodServerMemory))
    child.send({ type: 'memory' })
  })
}

/** What the server holds in JavaScript: its heap and the buffers outside it. */
function held(m: FloodServerMemory): number {
  return m.usage.heapUsed + m.usage.external
}

/** A viewer that asks for the history again and again, never reads, and sends pongs nobody
 *  asked for (the attack that held ~1.8 GiB before). */
async function greedyViewer(): Promise<WebSocket> {
  const socket = new WebSocket(ready.url, { origin: ready.origin, autoPong: false })
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  ;(socket as unknown as { _socket: net.Socket })._socket.pause()
  for (let i = 0; i < SNAPSHOTS_PER_VIEWER; i++) {
    socket.send(JSON.stringify({ type: 'subscribe', demoId: 'big' }))
    socket.send(JSON.stringify({ type: 'unsubscribe', demoId: 'big' }))
  }
  socket.pong()
  return socket
}

it(`${VIEWERS} viewers that never read ${SNAPSHOTS_PER_VIEWER} snapshots each cost about one snapshot, and nothing once they leave`, async () => {
  await using presenter = await NodeDemoClient.connect(ready.url, { token: ready.token })
  const done = presenter.next(isEnded('big', 5), 60_000)
  presenter.control({ type: 'run', demoId: 'big' })
  expect((await done).outcome).toBe('ok')

  const baseline = await memory()
  const viewers = await Promise.all(Array.from({ length: VIEWERS }, greedyViewer))
  await until(async () => (await memory()).windows === VIEWERS + 1, 10_000, `${VIEWERS} viewers connecting`)
  await new Promise(resolve => setTimeout(resolve, 1_000)) // their subscribes are read and answered
  const during = await memory()
  for (const socket of viewers)
    socket.terminate()
  await until(async () => (await memory()).windows === 1, 10_000, 'the viewers leaving')
  const after = await memory()

  const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`
  console.info(`server memory (heapUsed + external; rss): baseline ${mib(held(baseline))}; ${mib(baseline.usage.rss)}, `
    + `with ${VIEWERS} viewers ${mib(held(during))}; ${mib(during.usage.rss)}, after ${mib(held(after))}; ${mib(after.usage.rss)}`)
  // The history is capped at 4 MiB (history.ts); every snapshot is one shared frame of it.
  // One copy per snapshot would be VIEWERS * SNAPSHOTS_PER_VIEWER * 4 MiB, about 1.9 GiB.
  expect(held(during) - held(baseline)).toBeLessThan(64 * MiB)
  // What stays is the cached frame (one snapshot, about 4 MiB), not anything per viewer.
  expect(held(after) - held(baseline)).toBeLessThan(12 * MiB)
}, 120_000)
