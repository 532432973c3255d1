/**
 * `npm run build` of the fixture deck (hash router), served as plain files by
 * `python3 -m http.server`: there is no demo server, so the page opens no WebSocket at all, and
 * each DockerDemo replays its recording, marked 録画, from the slide's own URL. What the
 * terminal shows is exactly the recording's bytes.
 */
import type { ChildProcess } from 'node:child_process'
import type { Browser, Page, WebSocket } from 'playwright-core'
import type { Isolation } from './harness'
import { mkdirSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventsText } from '../../components/terminal-feed'
import { parseRecording } from '../../demo-server/recordings/cast-file'
import { exitOf, FIXTURE_DECK, freePort, gotoSettled, isolate, launchChromium, outputOf, REPO, SLIDEV, spawnIn, spawnNode, stopChild, untilDrawn, waitForUrl } from './harness'

const RECORDINGS = path.join(path.dirname(FIXTURE_DECK), 'recordings/demo-deck')

let isolation: Isolation
let dir: string
let server: ChildProcess | undefined
let browser: Browser & { [Symbol.asyncDispose]: () => Promise<void> }
let page: Page
let url: string
let buildLog: string
const sockets: WebSocket[] = []
const pageErrors: string[] = []

/** The lines the recording's output events make, as a terminal shows them. */
async function recordedLines(demoId: string): Promise<string[]> {
  const recording = parseRecording(await readFile(path.join(RECORDINGS, `${demoId}.cast`), 'utf8'), `${demoId}.cast`)
  return eventsText(recording.steps.flatMap(step => step.events)).replace(/\n$/, '').split('\n')
}

/** The rows of a demo's terminal, as xterm.js renders them, trailing blank rows dropped. */
async function terminalLines(demoId: string): Promise<string[]> {
  const rows = await page.locator(`.docker-demo[data-demo-id="${demoId}"] .xterm-rows > div`).allTextContents()
  const lines = rows.map(row => row.replace(/\u00A0/g, ' ').trimEnd())
  while (lines.length && lines.at(-1) === '')
    lines.pop()
  return lines
}

async function replayToEnd(demoId: string, outcome: string): Promise<void> {
  const demo = page.locator(`.docker-demo[data-demo-id="${demoId}"]`)
  await demo.locator('.demo-output[data-recorded]').waitFor({ timeout: 30_000 })
  // A short replay may have ended already (then the button is disabled and the click is a no-op).
  await demo.locator('[data-action="skip"]').evaluate(button => (button as HTMLButtonElement).click())
  await demo.locator(`.demo-badge[data-outcome="${outcome}"]`).last().waitFor({ timeout: 10_000 })
  await untilDrawn(demo)
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'deck-static-'))
  isolation = await isolate()
  // As `npm run build` does (package.json), into a directory of our own.
  const build = spawnNode(isolation, [SLIDEV, 'build', FIXTURE_DECK, '--router-mode', 'hash', '--out', dir], {})
  const output = outputOf(build)
  expect(await exitOf(build), `slidev build failed:\n${output()}`).toBe(0)
  buildLog = output()

  const port = await freePort()
  server = spawnIn(isolation, ['python3', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir])
  url = `http://127.0.0.1:${port}`
  await waitForUrl(isolation, `${url}/`, 15_000)

  browser = await launchChromium(isolation)
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  page.on('pageerror', error => pageErrors.push(error.message))
  page.on('websocket', socket => sockets.push(socket))
  // Straight to the second slide, by its own URL.
  await gotoSettled(page, `${url}/#/2`)
}, 240_000)

afterAll(async () => {
  await browser?.[Symbol.asyncDispose]()
  if (server)
    await stopChild(server)
  await isolation?.[Symbol.asyncDispose]()
  if (dir)
    await rm(dir, { recursive: true, force: true })
})

describe('the static build, from any file server', () => {
  it('builds without warnings a presenter cannot act on', () => {
    expect(buildLog).not.toContain('without a file extension')
    // The one thing it may say: which demos have no recording, and how to make one.
    expect(buildLog).toContain('[docker-demo] no recording for tty: npm run rehearse -- --only tty')
  })

  it('replays a demo at its slide\'s own URL, marked 録画, showing the recording\'s exact text', async () => {
    await replayToEnd('fails', 'expected-failure')
    const demo = page.locator('.docker-demo[data-demo-id="fails"]')
    expect(await demo.getAttribute('data-source')).toBe('recording')
    expect(await demo.locator('.demo-output-recorded').innerText()).toBe('録画')
    expect(await terminalLines('fails')).toEqual(await recordedLines('fails'))
    mkdirSync(path.join(REPO, 'test-results'), { recursive: true })
    await page.screenshot({ path: path.join(REPO, 'test-results', 'static-fails.png') })
  })

  it('lines up Japanese and box drawing as the recording has them', async () => {
    await page.goto(`${url}/#/1`)
    await replayToEnd('hello', 'ok')
    const lines = await terminalLines('hello')
    expect(lines).toEqual(await recordedLines('hello'))
    expect(lines).toContain('緑の見出し ┌─┐ 見る')
  })

  it('opens no WebSocket and throws nothing', () => {
    expect(sockets.map(s => s.url())).toEqual([])
    expect(pageErrors).toEqual([])
    // Without a server there is nothing to report about one.
  })
})
