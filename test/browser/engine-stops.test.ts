/**
 * The engine stops answering while `npm start` runs: the deck was live, then every demo slide
 * falls back to its recording, marked 録画. The shared engine cannot be stopped for a test, so
 * the deck reaches it through a socket of the test's own that forwards to the engine, and the
 * test closes that socket.
 */
import type { Server, Socket } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import type { Isolation, SlidevProcess } from './harness'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { gotoSettled, isolate, launchChromium, requireEngine, startSlidev } from './harness'

const ENGINE_SOCKET = '/var/run/docker.sock'

let dir: string
let forwarder: Server
const connections = new Set<Socket>()
let isolation: Isolation
let slidev: SlidevProcess
let browser: Browser & { [Symbol.asyncDispose]: () => Promise<void> }
let page: Page

const demo = (id: string) => page.locator(`.docker-demo[data-demo-id="${id}"]`)

/** A unix socket that pipes every connection to the engine's, until it is closed. */
async function forwardToEngine(socketPath: string): Promise<Server> {
  const server = createServer((client) => {
    const engine = connect(ENGINE_SOCKET)
    for (const end of [client, engine]) {
      connections.add(end)
      end.on('error', () => {})
      end.once('close', () => connections.delete(end))
    }
    client.pipe(engine).pipe(client)
  })
  await new Promise<void>(resolve => server.listen(socketPath, resolve))
  return server
}

beforeAll(async () => {
  await requireEngine()
  dir = await mkdtemp(path.join(tmpdir(), 'engine-stops-'))
  const socketPath = path.join(dir, 'docker.sock')
  forwarder = await forwardToEngine(socketPath)
  isolation = await isolate()
  slidev = await startSlidev(isolation, undefined, 60_000, { DOCKER_HOST: `unix://${socketPath}` })
  browser = await launchChromium(isolation)
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  await gotoSettled(page, slidev.loginUrl('/1'))
}, 180_000)

afterAll(async () => {
  forwarder?.close()
  for (const end of connections)
    end.destroy()
  await browser?.[Symbol.asyncDispose]()
  await slidev?.[Symbol.asyncDispose]()
  await isolation?.[Symbol.asyncDispose]()
  if (dir)
    await rm(dir, { recursive: true, force: true })
})

it('falls back to the recording, marked 録画, when the engine stops answering mid-talk', async () => {
  // Live first: the controls are there and nothing says 録画.
  await demo('hello').locator('[data-action="run-all"]').waitFor({ timeout: 30_000 })
  expect(await demo('hello').getAttribute('data-source')).toBe('live')
  expect(await demo('hello').locator('.demo-output[data-recorded]').count()).toBe(0)

  // The engine goes away (as when Docker Desktop quits).
  forwarder.close()
  for (const end of connections)
    end.destroy()

  // The server's status poll notices; the slide replays the recording by itself.
  await demo('hello').locator('.demo-output[data-recorded]').waitFor({ timeout: 60_000 })
  expect(await demo('hello').getAttribute('data-source')).toBe('recording')
  expect(await demo('hello').locator('.docker-demo-recorded').getAttribute('title')).toContain('Docker engine not available')
  await expect.poll(() => demo('hello').locator('.xterm-rows').innerText(), { timeout: 20_000 }).toContain('hello from the recording')
}, 120_000)
