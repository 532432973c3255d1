/**
 * `slidev build` of the fixture deck, served as plain files: there is no demo server, so each
 * DockerDemo shows its code and a small "demo server not available", and nothing throws.
 */
import type { Browser, Page } from 'playwright-core'
import type { Isolation } from './harness'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exitOf, FIXTURE_DECK, freePort, gotoSettled, isolate, launchChromium, outputOf, SLIDEV, spawnNode, stopChild, waitForUrl } from './harness'

let isolation: Isolation
let dir: string
let server: ChildProcess | undefined
let browser: Browser & { [Symbol.asyncDispose]: () => Promise<void> }
let page: Page
const pageErrors: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'deck-static-'))
  isolation = await isolate()
  const build = spawnNode(isolation, [SLIDEV, 'build', FIXTURE_DECK, '--out', dir], {})
  const buildOutput = outputOf(build)
  expect(await exitOf(build), `slidev build failed:\n${buildOutput()}`).toBe(0)

  // Plain files, as any static host serves them (unknown paths get index.html, like an SPA host).
  const port = await freePort()
  const serve = `
    const http = require('node:http'), fs = require('node:fs'), path = require('node:path')
    const root = ${JSON.stringify(dir)}
    const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' }
    http.createServer((req, res) => {
      const url = decodeURIComponent(new URL(req.url, 'http://x').pathname)
      let file = path.join(root, url)
      if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html')
      res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' })
      fs.createReadStream(file).pipe(res)
    }).listen(${port}, '127.0.0.1')`
  server = spawnNode(isolation, ['-e', serve], {})
  const url = `http://127.0.0.1:${port}`
  await waitForUrl(isolation, `${url}/`, 15_000)

  browser = await launchChromium(isolation)
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  page.on('pageerror', error => pageErrors.push(error.message))
  await gotoSettled(page, `${url}/1`)
}, 180_000)

afterAll(async () => {
  await browser?.[Symbol.asyncDispose]()
  if (server)
    await stopChild(server)
  await isolation?.[Symbol.asyncDispose]()
  if (dir)
    await rm(dir, { recursive: true, force: true })
})

describe('DockerDemo in a static build (no demo server)', () => {
  it('shows the code and says the demo server is not available', async () => {
    const demo = page.locator('.docker-demo[data-demo-id="hello"]')
    await demo.locator('.docker-demo-note', { hasText: 'demo server not available' }).waitFor({ timeout: 30_000 })
    expect(await demo.locator('.docker-demo-code').innerText()).toContain('docker run --rm alpine echo hello')
    expect(await demo.locator('[data-action], button.docker-demo-chip').count()).toBe(0)
    expect(await demo.locator('.demo-output').count()).toBe(0)
  })

  it('throws nothing', () => {
    expect(pageErrors).toEqual([])
  })
})
