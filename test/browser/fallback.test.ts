/**
 * `npm start` without an engine: the dev server's demo server is there, but DOCKER_HOST points
 * at a socket nothing listens on (the shared engine cannot be stopped for a test). The status
 * says the engine is unavailable and each demo with a recording replays it by itself, marked
 * 録画; a demo without one keeps its code and the note.
 */
import type { Browser, Page } from 'playwright-core'
import type { Isolation, SlidevProcess } from './harness'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gotoSettled, isolate, launchChromium, startSlidev, untilDrawn } from './harness'

let isolation: Isolation
let slidev: SlidevProcess
let browser: Browser & { [Symbol.asyncDispose]: () => Promise<void> }
let page: Page
let dead: string
const sockets: string[] = []

const demo = (id: string) => page.locator(`.docker-demo[data-demo-id="${id}"]`)

beforeAll(async () => {
  dead = await mkdtemp(path.join(tmpdir(), 'no-engine-'))
  isolation = await isolate()
  slidev = await startSlidev(isolation, undefined, 60_000, { DOCKER_HOST: `unix://${path.join(dead, 'docker.sock')}` })
  browser = await launchChromium(isolation)
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  page.on('websocket', socket => sockets.push(socket.url()))
  // Not networkidle: this window never signed in, so Slidev's nav sync POST is refused, and
  // Playwright counts a refused request whose body the page never reads as in flight.
  await gotoSettled(page, `${slidev.url}/1`, 90_000, 'load')
}, 180_000)

afterAll(async () => {
  await browser?.[Symbol.asyncDispose]()
  await slidev?.[Symbol.asyncDispose]()
  await isolation?.[Symbol.asyncDispose]()
  if (dead)
    await rm(dead, { recursive: true, force: true })
})

describe('a deck served without an engine', () => {
  it('replays the demo\'s recording by itself, marked 録画, saying why', async () => {
    await demo('hello').locator('.demo-output[data-recorded]').waitFor({ timeout: 30_000 })
    expect(await demo('hello').getAttribute('data-source')).toBe('recording')
    expect(await demo('hello').locator('.docker-demo-recorded').getAttribute('title')).toContain('Docker engine not available')
    await demo('hello').locator('.demo-badge[data-outcome="ok"]').waitFor({ timeout: 10_000 })
    await untilDrawn(demo('hello'))
    expect(await demo('hello').locator('.xterm-rows').innerText()).toContain('hello from the recording')
    // It did try live: the page talks to the demo server, which answers with the engine's state.
    expect(sockets.some(url => url.endsWith('/__docker-demo'))).toBe(true)
    expect(await demo('hello').locator('.docker-demo-note').first().innerText()).toContain('Docker engine not available')
  })

  it('leaves a demo without a recording with its code and the note', async () => {
    await gotoSettled(page, `${slidev.url}/3`, 90_000, 'load')
    await demo('tty').locator('.docker-demo-note', { hasText: 'Docker engine not available' }).waitFor({ timeout: 30_000 })
    expect(await demo('tty').locator('.demo-output').count()).toBe(0)
    expect(await demo('tty').getAttribute('data-source')).toBe('live')
  })
})
