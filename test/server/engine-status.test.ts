/**
 * The deck still starts without an engine: the status says why, runs are refused with a coded
 * error, and the status is sent again when the engine comes back. Windows that stop answering
 * pings are dropped.
 */
import { describe, expect, it } from 'vitest'
import type { EngineStatus, StatusMessage } from '../../demo-server/protocol'
import { WebSocket } from 'ws'
import { createFakeEngine } from './fake-engine'
import { connect, isEnded, sandbox, start } from './helpers'

describe('engine status', () => {
  it('starts with no engine answering, says so, and refuses runs with ENGINE_UNAVAILABLE', async () => {
    await using box = await sandbox()
    const logged: string[] = []
    await using server = await start(box.deck, { dockerHost: 'unix:///nonexistent/docker.sock', log: line => logged.push(line), enginePollMs: 100 })
    await using client = await connect(server)
    expect(client.status.engine).toMatchObject({ available: false, message: expect.stringContaining('/nonexistent/docker.sock') })
    const ended = client.next(isEnded('hello', 1), 10_000)
    client.control({ type: 'run', demoId: 'hello', step: 1 })
    expect(await ended).toMatchObject({ outcome: 'error', error: { code: 'ENGINE_UNAVAILABLE' } })
    await new Promise(resolve => setTimeout(resolve, 400)) // several polls
    expect(logged.filter(line => line.includes('unreachable'))).toHaveLength(1)
  }, 30_000)

  // The real engine cannot be made to come and go on cue: a fake whose status flips.
  it('sends a new status to every window when the engine comes back', async () => {
    await using box = await sandbox()
    const engine = createFakeEngine()
    let status: EngineStatus = { available: false, message: 'down for the test' }
    engine.status = async () => status
    await using server = await start(box.deck, { engine, enginePollMs: 50 })
    await using watcher = await connect(server, false)
    expect(watcher.status.engine.available).toBe(false)
    const back = watcher.next((m): m is StatusMessage => m.type === 'status' && m.engine.available, 5_000)
    status = { available: true, version: '99', apiVersion: '1.41' }
    expect((await back).engine).toEqual(status)
  })

  it('drops a window that stops answering pings and keeps the others', async () => {
    await using box = await sandbox()
    await using server = await start(box.deck, { engine: createFakeEngine(), heartbeatMs: 100 })
    // A frozen tab: receives pings, never answers.
    const silent = new WebSocket(server.url, { origin: server.origin, autoPong: false })
    const silentClosed = new Promise(resolve => silent.once('close', code => resolve({ code })))
    await using alive = await connect(server, false)
    const closed = await Promise.race([silentClosed, new Promise(resolve => setTimeout(() => resolve('still open'), 3_000))])
    expect(closed).toMatchObject({ code: 1006 })
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(alive.socket.readyState).toBe(alive.socket.OPEN)
  })
})
