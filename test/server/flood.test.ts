/**
 * Viewers can never shut the presenter out: a full viewer pool, sockets that never read, peers
 * that fake liveness with pongs nobody asked for, and a viewer that falls behind. Real sockets
 * on port 0; the real engine runs the presenter's step, the fake one prints output of an exact
 * size (test/server/fake-engine.ts).
 */
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { DemoEngine } from '../../demo-server/engine/types'
import { CLOSE_TOO_SLOW, CLOSE_TOO_SLOW_REASON, PROTOCOL_PATH } from '../../demo-server/protocol'
import type { StandaloneServer } from '../../demo-server/server/standalone'
import { createFakeEngine } from './fake-engine'
import type { Sandbox } from './helpers'
import { connect, isEnded, realEngine, sandbox, start, until } from './helpers'

const VIEWER_SLOTS = 256 // the default (window-pool.ts): the pool these tests overfill
const PONG_TIMEOUT_MS = 1_000

let engine: DemoEngine
let box: Sandbox
let server: StandaloneServer

beforeAll(async () => {
  engine = await realEngine()
  box = await sandbox()
  // Every test peer is on loopback, one address: let it fill the whole pool, which is what
  // these tests overfill (the cap per address has a test of its own below).
  server = await start(box.deck, { engine, heartbeatMs: 200, windows: { pongTimeoutMs: PONG_TIMEOUT_MS, windowLimits: { maxViewersPerAddress: VIEWER_SLOTS } } })
}, 30_000)

afterAll(async () => {
  await server?.close()
  if (server)
    await engine?.reset({ deckId: server.demo.deckId }).catch(() => {})
  await engine?.close()
  await box?.[Symbol.asyncDispose]()
})

/** A viewer's window as `ws` makes it (it answers pings): open, or refused with its status. */
function viewer(target: StandaloneServer, options: { autoPong?: boolean } = {}): Promise<{ socket: WebSocket, status: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target.url, { origin: target.origin, ...options })
    socket.once('open', () => resolve({ socket, status: 101 }))
    socket.once('unexpected-response', (_req, res) => {
      res.resume()
      resolve({ socket, status: res.statusCode ?? 0 })
    })
    socket.once('error', reject)
  })
}

/** A peer that sends the upgrade and then never reads a byte. */
function neverReads(target: StandaloneServer): Promise<net.Socket> {
  return new Promise((resolve) => {
    const socket = net.connect(target.port, '127.0.0.1', () => {
      socket.pause()
      socket.write(`GET ${PROTOCOL_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nOrigin: ${target.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`)
      resolve(socket)
    })
    socket.on('error', () => {})
  })
}

async function presenterRunsAStep(): Promise<void> {
  await using presenter = await connect(server)
  const ended = presenter.next(isEnded('hello', 1), 30_000)
  presenter.control({ type: 'run', demoId: 'hello', step: 1 })
  expect((await ended).outcome).toBe('ok')
}

describe('one address cannot fill the viewers\' pool alone', () => {
  it('takes at most 64 viewer windows from one address, and the presenter\'s still open', async () => {
    await using capped = await start(box.deck, { engine })
    const viewers = await Promise.all(Array.from({ length: 100 }, () => viewer(capped)))
    try {
      expect(viewers.filter(v => v.status === 101)).toHaveLength(64)
      expect(viewers.filter(v => v.status === 503)).toHaveLength(36)
      await using presenter = await connect(capped)
      expect(presenter.status.type).toBe('status')
    }
    finally {
      for (const { socket } of viewers)
        socket.terminate()
    }
  }, 60_000)
})

describe('viewers cannot shut the presenter out', () => {
  it('300 idle viewers that answer pings fill their own pool; the presenter still opens a window and runs a step', async () => {
    const viewers = await Promise.all(Array.from({ length: 300 }, () => viewer(server)))
    try {
      expect(viewers.filter(v => v.status === 101)).toHaveLength(VIEWER_SLOTS)
      expect(viewers.filter(v => v.status === 503)).toHaveLength(300 - VIEWER_SLOTS)
      // Several heartbeats later they are all still there: answering pings keeps a viewer.
      await new Promise(resolve => setTimeout(resolve, 3 * PONG_TIMEOUT_MS))
      expect(server.demo.windowCount('viewer')).toBe(VIEWER_SLOTS)
      expect((await viewer(server)).status).toBe(503)

      await presenterRunsAStep()
      await using second = await connect(server) // and another window, while the first is open
      expect(server.demo.windowCount('presenter')).toBe(1)
      expect(second.status.type).toBe('status')
    }
    finally {
      for (const { socket } of viewers)
        socket.terminate()
    }
    await until(async () => server.demo.windowCount() === 0, 5_000, 'every window leaving')
  }, 60_000)

  it('sockets that never read hold viewer slots only until their first ping goes unanswered', async () => {
    const peers = await Promise.all(Array.from({ length: 300 }, () => neverReads(server)))
    try {
      await until(async () => server.demo.windowCount('viewer') === VIEWER_SLOTS, 5_000, `${VIEWER_SLOTS} never-reading sockets taking every viewer slot`)
      await presenterRunsAStep()
      const started = Date.now()
      await until(async () => server.demo.windowCount('viewer') === 0, 3 * PONG_TIMEOUT_MS, 'the never-reading sockets being dropped')
      expect(Date.now() - started).toBeLessThan(3 * PONG_TIMEOUT_MS)
      const { socket, status } = await viewer(server)
      expect(status).toBe(101) // a real viewer gets in again
      socket.terminate()
      // Dropped for real, not only forgotten: each one reads its end once it reads at all.
      await Promise.all(peers.map(peer => new Promise<void>((resolve) => {
        peer.once('close', () => resolve())
        peer.resume()
      })))
    }
    finally {
      for (const peer of peers)
        peer.destroy()
    }
  }, 60_000)

  it('unsolicited pongs, or pongs with another payload, do not keep a viewer that ignores pings', async () => {
    const { socket: faker } = await viewer(server, { autoPong: false })
    const { socket: honest } = await viewer(server)
    const fake = setInterval(() => {
      faker.pong()
      faker.pong(randomBytes(8))
    }, 50)
    try {
      const closedAt = await new Promise<number>(resolve => faker.once('close', () => resolve(Date.now())))
      expect(honest.readyState).toBe(WebSocket.OPEN)
      expect(closedAt).toBeDefined()
      await until(async () => server.demo.windowCount('viewer') === 1, 2_000, 'the faker\'s slot being freed')
    }
    finally {
      clearInterval(fake)
      faker.terminate()
      honest.terminate()
    }
  }, 30_000)
})

describe('a viewer that falls behind', () => {
  it('is dropped with CLOSE_TOO_SLOW and its reason; the presenter is not', async () => {
    await using flood = await sandbox('flood.md')
    await using fast = await start(flood.deck, { engine: createFakeEngine(), windows: { maxBufferedBytes: 1024 * 1024 } })
    await using watcher = await connect(fast, false)
    watcher.send({ type: 'subscribe', demoId: 'huge' })
    await watcher.next(m => m.type === 'snapshot')
    const wire = (watcher.socket as unknown as { _socket: net.Socket })._socket
    wire.pause() // it stops reading, as a stalled tab or a slow link would

    await using presenter = await connect(fast)
    const ended = presenter.next(isEnded('huge', 1), 60_000)
    presenter.control({ type: 'run', demoId: 'huge', step: 1 }) // 20 MB of output
    expect((await ended).outcome).toBe('ok')
    expect(fast.demo.windowCount('viewer')).toBe(0) // its slot is free at once

    wire.resume() // it catches up with what was queued before the drop, then reads why
    expect(await watcher.closed).toEqual({ code: CLOSE_TOO_SLOW, reason: CLOSE_TOO_SLOW_REASON })
    expect(presenter.socket.readyState).toBe(WebSocket.OPEN)
  }, 60_000)
})
