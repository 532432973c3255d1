/**
 * The WebSocket edge refuses what it must, with a stable code, and keeps serving: after every
 * refusal the next valid request (a real run on the real engine) still works.
 */
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { CLOSE_TOO_LARGE, MAX_MESSAGE_BYTES, PROTOCOL_PATH } from '../../demo-server/protocol'
import { connect, fixtureServerPerFile, isEnded } from './helpers'

const env = fixtureServerPerFile()

/** The server still serves: a fresh presenter window runs a real step to its end. */
async function stillServes(): Promise<void> {
  await using client = await connect(env.server)
  const ended = client.next(isEnded('hello', 1), 30_000)
  client.control({ type: 'run', demoId: 'hello', step: 1 })
  expect((await ended).outcome).toBe('ok')
}

/** The HTTP status an upgrade gets, or 101 when it is accepted. */
function upgradeStatus(headers: Record<string, string>, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(env.server.url, { headers, ...(origin !== undefined ? { origin } : {}) })
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.resume()
    })
    socket.once('open', () => {
      socket.close()
      resolve(101)
    })
    socket.once('error', reject)
  })
}

describe('the WebSocket edge', () => {
  it('sends the status on connect', async () => {
    await using client = await connect(env.server, false)
    expect(client.status).toMatchObject({ type: 'status', protocol: 1, engine: { available: true }, offline: true })
    expect(client.status.deck.demos.map(d => d.id)).toContain('hello')
    expect(client.status.deck.demos[0].steps[0]).toMatchObject({ index: 1, prompt: '$ ', target: 'shell', line: 10 })
  })

  it('refuses a foreign Origin with 403 at the upgrade', async () => {
    expect(await upgradeStatus({}, 'http://evil.example')).toBe(403)
    expect(await upgradeStatus({}, `http://localhost:${env.server.port}`)).toBe(403) // same port, other host: not same-origin
    expect(await upgradeStatus({})).toBe(403) // no Origin at all
    // A DNS-rebound name: Origin and Host agree, but the server does not listen as that name.
    expect(await upgradeStatus({ Host: `evil.example:${env.server.port}` }, `http://evil.example:${env.server.port}`)).toBe(403)
    expect(await upgradeStatus({}, env.server.origin)).toBe(101)
    await stillServes()
  }, 30_000)

  it('lets a window without the token watch but not act (UNAUTHORIZED)', async () => {
    await using watcher = await connect(env.server, false)
    watcher.send({ type: 'subscribe', demoId: 'hello' })
    expect(await watcher.next(m => m.type === 'snapshot')).toMatchObject({ type: 'snapshot', demoId: 'hello' })
    watcher.sendRaw({ type: 'run', demoId: 'hello' } as never)
    expect(await watcher.nextError()).toMatchObject({ code: 'UNAUTHORIZED', request: 'run', demoId: 'hello' })
    watcher.sendRaw({ type: 'run', token: 'guess', demoId: 'hello' })
    expect(await watcher.nextError()).toMatchObject({ code: 'UNAUTHORIZED', request: 'run', demoId: 'hello' })
    watcher.sendRaw({ type: 'reset', token: `${env.server.token.slice(0, -1)}x` })
    expect(await watcher.nextError()).toMatchObject({ code: 'UNAUTHORIZED' })
    await stillServes()
  }, 30_000)

  it('refuses an id that is not in the deck (UNKNOWN_DEMO, UNKNOWN_STEP)', async () => {
    await using client = await connect(env.server)
    client.control({ type: 'run', demoId: 'rm-rf' })
    expect(await client.nextError()).toMatchObject({ code: 'UNKNOWN_DEMO', demoId: 'rm-rf', message: expect.stringContaining('hello') })
    client.send({ type: 'subscribe', demoId: 'rm-rf' })
    expect(await client.nextError()).toMatchObject({ code: 'UNKNOWN_DEMO' })
    client.control({ type: 'run', demoId: 'hello', step: 3 })
    expect(await client.nextError()).toMatchObject({ code: 'UNKNOWN_STEP' })
    await stillServes()
  }, 30_000)

  it('answers non-JSON, binary and malformed frames with a coded error and keeps the connection', async () => {
    await using client = await connect(env.server)
    client.sendRaw('not json')
    expect(await client.nextError()).toMatchObject({ code: 'BAD_JSON' })
    client.sendRaw(Buffer.from([1, 2, 3]))
    expect(await client.nextError()).toMatchObject({ code: 'BAD_MESSAGE' })
    client.sendRaw('{"type":"run","token":"x","demoId":"hello","command":"docker ps"}')
    expect(await client.nextError()).toMatchObject({ code: 'BAD_MESSAGE' })
    // Same connection, next request:
    const ended = client.next(isEnded('hello', 1), 30_000)
    client.control({ type: 'run', demoId: 'hello', step: 1 })
    expect((await ended).outcome).toBe('ok')
  }, 30_000)

  it('closes a connection that sends an oversized frame (1009 = TOO_LARGE) and stays up', async () => {
    const client = await connect(env.server)
    expect(() => client.control({ type: 'input', runId: 'r', data: 'x'.repeat(MAX_MESSAGE_BYTES) })).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }))
    client.sendRaw(JSON.stringify({ type: 'subscribe', demoId: 'x'.repeat(MAX_MESSAGE_BYTES) }))
    await expect(client.next(() => false, 10_000)).rejects.toMatchObject({ code: 'TOO_LARGE' })
    expect((await client.closed).code).toBe(CLOSE_TOO_LARGE)
    await stillServes()
  }, 30_000)

  it('survives peers that reset the connection while their upgrade is refused', async () => {
    // A raw socket: a browser never resets mid-handshake, but anyone who can reach the port can.
    for (const [path, host] of [[PROTOCOL_PATH, `evil.example:${env.server.port}`], ['/elsewhere', `127.0.0.1:${env.server.port}`]]) {
      for (let i = 0; i < 100; i++) {
        await new Promise<void>((resolve) => {
          const socket = net.connect(env.server.port, '127.0.0.1', () => {
            socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`)
            socket.resetAndDestroy()
            resolve()
          })
        })
      }
    }
    await stillServes()
  }, 30_000)

  it('ignores upgrades for other paths (they belong to Vite)', async () => {
    const other = env.server.url.replace(PROTOCOL_PATH, '/__vite_hmr')
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(other, { origin: env.server.origin })
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      socket.once('error', () => resolve(0))
    })
    expect(status).not.toBe(101)
  })
})
