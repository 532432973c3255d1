import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { protocolUrl } from '../../components/demo-client'
import { CLOSE_TOO_SLOW, CLOSE_TOO_SLOW_REASON } from '../../demo-server/protocol'
import { eventsText } from '../../components/terminal-feed'
import { ended, output, started, status } from './fixtures'
import { fakeServer } from './fake-server'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A client watching "hello" whose socket is open and whose token fetch has been answered. */
async function watchingHello(token?: Parameters<typeof fakeServer>[0]) {
  const server = fakeServer(token)
  server.client.subscribe('hello')
  server.socket.accept()
  await vi.runAllTimersAsync()
  return server
}

describe('demo client', () => {
  it('builds the socket url from the page origin', () => {
    expect(protocolUrl({ protocol: 'http:', host: 'localhost:3030' })).toBe('ws://localhost:3030/__docker-demo')
    expect(protocolUrl({ protocol: 'https:', host: 'deck.example' })).toBe('wss://deck.example/__docker-demo')
  })

  it('connects once for many subscribers and unsubscribes when the last one leaves', () => {
    const server = fakeServer()
    const a = server.client.subscribe('hello')
    const b = server.client.subscribe('hello')
    server.client.subscribe('other')
    expect(server.sockets).toHaveLength(1)
    server.socket.accept()
    expect(server.socket.sent).toEqual([{ type: 'subscribe', demoId: 'hello' }, { type: 'subscribe', demoId: 'other' }])
    a()
    a() // twice is safe
    expect(server.socket.sent).toHaveLength(2)
    b()
    expect(server.socket.sent.at(-1)).toEqual({ type: 'unsubscribe', demoId: 'hello' })
    server.client.dispose()
  })

  it('becomes a controller with a token and sends it with each control', async () => {
    const server = await watchingHello('secret')
    expect(server.client.state.role).toBe('controller')
    expect(server.client.run('hello')).toBe(true)
    expect(server.client.run('hello', 2)).toBe(true)
    server.client.cancel('hello')
    server.client.reset('hello')
    expect(server.socket.sent.slice(1)).toEqual([
      { type: 'run', token: 'secret', demoId: 'hello' },
      { type: 'run', token: 'secret', demoId: 'hello', step: 2 },
      { type: 'cancel', token: 'secret', demoId: 'hello' },
      { type: 'reset', token: 'secret', demoId: 'hello' },
    ])
    server.client.dispose()
  })

  it('sends a large paste as several input messages that each fit the server\'s limit', async () => {
    const server = await watchingHello('secret')
    const paste = 'あ'.repeat(40_000)
    expect(server.client.input('hello', 'run-1', paste)).toBe(true)
    const inputs = server.socket.sent.filter(m => m.type === 'input') as Array<{ data: string }>
    expect(inputs.length).toBeGreaterThan(1)
    expect(inputs.every(m => m.data.length <= 16 * 1024)).toBe(true)
    expect(inputs.map(m => m.data).join('')).toBe(paste)
    server.client.dispose()
  })

  it('is a viewer when the token is refused (403) or the endpoint is not there', async () => {
    for (const answer of [403, 'down'] as const) {
      const server = await watchingHello(answer)
      expect(server.client.state.role).toBe('viewer')
      expect(server.client.run('hello')).toBe(false)
      expect(server.socket.sent).toEqual([{ type: 'subscribe', demoId: 'hello' }])
      expect(server.client.state.demos.hello.errors[0].code).toBe('UNAUTHORIZED')
      server.client.dispose()
    }
  })

  it('reports the server unavailable, retries with growing delays, and resubscribes on reconnect', async () => {
    const server = fakeServer()
    server.client.subscribe('hello')
    server.socket.refuse()
    expect(server.client.state.connection).toBe('unavailable')
    await vi.advanceTimersByTimeAsync(100)
    expect(server.sockets).toHaveLength(2)
    server.socket.refuse()
    await vi.advanceTimersByTimeAsync(100)
    expect(server.sockets).toHaveLength(2) // second delay is 200 ms
    await vi.advanceTimersByTimeAsync(100)
    expect(server.sockets).toHaveLength(3)
    server.socket.accept()
    expect(server.client.state.connection).toBe('open')
    expect(server.socket.sent).toEqual([{ type: 'subscribe', demoId: 'hello' }])

    // A dropped connection: state survives until the new snapshot replaces it.
    server.socket.push(status())
    server.socket.push({ type: 'snapshot', demoId: 'hello', runs: [] })
    server.socket.push(started('r1', 1))
    server.socket.push(output('r1', 'hel'))
    server.socket.refuse()
    await vi.advanceTimersByTimeAsync(100) // delay was reset by the successful open
    server.socket.accept()
    expect(server.client.state.demos.hello.synced).toBe(false)
    server.socket.push({ type: 'snapshot', demoId: 'hello', runs: [{ started: started('r1', 1), events: [[0, 'o', 'hello\n']], ended: ended('r1', 1, 'ok') }] })
    const run = server.client.state.demos.hello.runs[0]
    expect(eventsText(run.events).trimEnd()).toBe('hello')
    expect(server.tokenRequests).toBe(2) // fetched again: a restarted server has a new token
    server.client.dispose()
  })

  it('refuses controls while disconnected, with a coded error rather than a throw', async () => {
    const server = await watchingHello()
    server.socket.refuse()
    expect(server.client.run('hello')).toBe(false)
    expect(server.client.state.demos.hello.errors.at(-1)?.code).toBe('ENGINE_UNAVAILABLE')
    server.client.dispose()
  })

  it('ignores frames that are not typed JSON messages', () => {
    const server = fakeServer()
    server.client.subscribe('hello')
    server.socket.accept()
    server.socket.onmessage?.({ data: 'not json' })
    server.socket.onmessage?.({ data: '[1,2]' })
    server.socket.onmessage?.({ data: new ArrayBuffer(2) })
    expect(server.client.state.status).toBeUndefined()
    server.client.dispose()
  })

  it('shows why the server dropped a window that fell behind, then reconnects after the longest delay', async () => {
    const server = await watchingHello()
    server.socket.readyState = 3
    server.socket.onclose?.({ code: CLOSE_TOO_SLOW, reason: CLOSE_TOO_SLOW_REASON })
    expect(server.client.state.errors.at(-1)).toMatchObject({ code: 'TOO_SLOW', message: expect.stringContaining('fell too far behind') })
    await vi.advanceTimersByTimeAsync(399)
    expect(server.sockets).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(server.sockets).toHaveLength(2)
    server.socket.accept()
    expect(server.socket.sent).toEqual([{ type: 'subscribe', demoId: 'hello' }])
    // Any other close (a restarting server) is not news on the slide: the connection note says it.
    server.socket.refuse()
    expect(server.client.state.errors).toHaveLength(1)
    server.client.dispose()
  })

  it('stops retrying once disposed', async () => {
    const server = fakeServer()
    server.client.subscribe('hello')
    server.socket.refuse()
    server.client.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(server.sockets).toHaveLength(1)
  })
})
