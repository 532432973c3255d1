/**
 * The attacker's side, in real Chromium against a real Slidev dev server: pages on other
 * loopback origins (http://127.0.0.2:P and http://localhost:OTHER) try every write endpoint
 * Slidev and Vite expose (demo-server/server/dev-server-guard.ts ENDPOINTS), the demo socket
 * and the token, with and without `mode: 'no-cors'`, and frame the deck. Nothing may change on
 * disk, no editor may start, no container may be created and no token may come back; the deck's
 * own page must still save.
 */
import type { Page } from 'playwright-core'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import { PROTOCOL_PATH, TOKEN_PATH } from '../../demo-server/protocol'
import { deckIdOf } from '../../demo-server/server/demo-server'
import type { Isolation, SlidevProcess } from './harness'
import { freePort, isolate, launchChromium, REPO, requireEngine, startSlidev } from './harness'

const run = promisify(execFile)

let dir: string
let deck: string
let marker: string
let isolation: Isolation
let slidev: SlidevProcess
let browser: Awaited<ReturnType<typeof launchChromium>>
let since: number

/** A deck whose every write endpoint would leave a trace: a {monaco-write} snippet, drawings
 *  persisted under .slidev/, and a demo that creates a container. */
function deckText(): string {
  return `---
title: attack fixture
addons:
  - ${REPO}
drawings:
  persist: true
---

# Target

<<< @/snippets/target.ts {monaco-write}

<DockerDemo id="hello">

\`\`\`sh
docker run --rm alpine echo hello
\`\`\`

</DockerDemo>

---

# Two
`
}

beforeAll(async () => {
  await requireEngine()
  dir = await mkdtemp(path.join(tmpdir(), 'deck-attack-'))
  deck = path.join(dir, 'slides.md')
  marker = path.join(dir, '..', `${path.basename(dir)}-editor-started`)
  await mkdir(path.join(dir, 'snippets'))
  await writeFile(path.join(dir, 'snippets/target.ts'), 'export const target = 1\n')
  await writeFile(deck, deckText())
  // launch-editor (Vite's /__open-in-editor) runs $LAUNCH_EDITOR: here it would leave a marker.
  const editor = path.join(dir, '..', `${path.basename(dir)}-editor.sh`)
  await writeFile(editor, `#!/bin/sh\ntouch '${marker}'\n`)
  await chmod(editor, 0o755)
  process.env.LAUNCH_EDITOR = editor
  isolation = await isolate()
  slidev = await startSlidev(isolation, deck)
  delete process.env.LAUNCH_EDITOR
  browser = await launchChromium(isolation)
  since = Math.floor(Date.now() / 1000) - 1
  // The deck's own page once, as the presenter opens it: Slidev then knows the snippet may be
  // written (its monaco-write allowlist fills when the slide is transformed).
  const page = await browser.newPage()
  const problems: string[] = []
  page.on('console', msg => msg.type() === 'error' && problems.push(msg.text()))
  page.on('requestfailed', req => problems.push(`${req.url()} ${req.failure()?.errorText}`))
  page.on('response', res => res.status() >= 400 && problems.push(`${res.status()} ${res.url()}`))
  try {
    await openDeck(page, '/1')
  }
  catch (error) {
    throw new Error(`${String(error)}\n${problems.join('\n')}\n${slidev.output().slice(-3000)}`)
  }
  await page.close()
}, 180_000)

afterAll(async () => {
  await browser?.[Symbol.asyncDispose]()
  await slidev?.[Symbol.asyncDispose]()
  await isolation?.[Symbol.asyncDispose]()
  if (dir) {
    await rm(dir, { recursive: true, force: true })
    await rm(`${dir}-editor.sh`, { force: true })
    await rm(marker, { force: true })
  }
})

/** Opens a deck page and waits for the slide to show. Not networkidle: the Monaco editor of the
 *  {monaco-write} snippet keeps loading long after the slide shows. */
async function openDeck(page: Page, at: string): Promise<void> {
  await page.goto(`${slidev.url}${at}`, { waitUntil: 'load', timeout: 60_000 })
  await page.waitForSelector('.slidev-layout', { timeout: 60_000 })
}

/** A hash over every file under dir (the deck, the snippet, .slidev/ drawings and snapshots). */
async function treeHash(root: string): Promise<string> {
  const hash = createHash('sha256')
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  const files = entries.filter(e => e.isFile()).map(e => path.join(e.parentPath, e.name)).sort()
  for (const file of files)
    hash.update(`${path.relative(root, file)}\0`).update(await readFile(file)).update('\0')
  return hash.digest('hex')
}

/** A page at `pageOrigin` served by Playwright (no server): the attacker's. */
async function attackerPage(pageOrigin: string, body = ''): Promise<Page> {
  const page = await browser.newPage()
  await page.route(`${pageOrigin}/**`, route => route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>attacker</title>${body}` }))
  await page.goto(`${pageOrigin}/`)
  return page
}

interface Attack { deck: string, deckFile: string, hmrToken: string, protocolPath: string, tokenPath: string }

/** Runs in the attacker's page: every write endpoint, the token and the sockets. */
async function attack(page: Page, args: Attack): Promise<Record<string, string>> {
  return page.evaluate(async (t) => {
    const results: Record<string, string> = {}
    const tryFetch = async (name: string, url: string, init: RequestInit) => {
      try {
        const res = await fetch(url, init)
        results[name] = res.type === 'opaque' ? 'opaque' : `status ${res.status}: ${(await res.text()).slice(0, 80)}`
      }
      catch {
        results[name] = 'blocked'
      }
    }
    const json = (mode: RequestMode) => ({ 'Content-Type': mode === 'cors' ? 'application/json' : 'text/plain' })
    for (const mode of ['cors', 'no-cors'] as RequestMode[]) {
      await tryFetch(`slides ${mode}`, `${t.deck}/__slidev/slides/1.json`, { method: 'POST', mode, headers: json(mode), body: JSON.stringify({ content: '# pwned' }) })
      await tryFetch(`mcp ${mode}`, `${t.deck}/__mcp`, {
        method: 'POST',
        mode,
        headers: { ...json(mode), Accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slidev-update-slide', arguments: { no: 1, content: '# pwned by mcp' } } }),
      })
      for (const key of ['drawings', 'snapshots', 'nav'])
        await tryFetch(`server-ref ${key} ${mode}`, `${t.deck}/@server-reactive/${key}`, { method: 'POST', mode, headers: json(mode), body: JSON.stringify({ data: key === 'nav' ? { page: 2 } : { 1: '<path d="M0 0"/>' } }) })
      await tryFetch(`unocss ${mode}`, `${t.deck}/@unocss-devtools-update`, { method: 'POST', mode, headers: json(mode), body: JSON.stringify({ type: 'add-classes', data: ['pwned'] }) })
      await tryFetch(`open-in-editor ${mode}`, `${t.deck}/__open-in-editor?file=${encodeURIComponent(t.deckFile)}`, { mode })
      await tryFetch(`token ${mode}`, `${t.deck}${t.tokenPath}`, { mode, credentials: 'include' })
    }
    // Reading Vite's client would give away the HMR socket's token.
    await tryFetch('vite client', `${t.deck}/@vite/client`, {})
    const socket = (url: string, protocol: string | undefined, message: string) => new Promise<string>((resolve) => {
      const ws = protocol ? new WebSocket(url, protocol) : new WebSocket(url)
      ws.onopen = () => {
        ws.send(message)
        setTimeout(() => {
          ws.close()
          resolve('open')
        }, 500)
      }
      ws.onerror = () => resolve('refused')
    })
    const wsBase = t.deck.replace(/^http/, 'ws')
    // With the real token, as if it had leaked: the guard, not the token, must refuse.
    results.hmr = await socket(`${wsBase}/?token=${t.hmrToken}`, 'vite-hmr', JSON.stringify({ type: 'custom', event: 'slidev:monaco-write', data: { file: 'snippets/target.ts', content: 'pwned' } }))
    results.demo = await socket(`${wsBase}${t.protocolPath}`, undefined, JSON.stringify({ type: 'run', demoId: 'hello', step: 1 }))
    return results
  }, args)
}

async function hmrToken(): Promise<string> {
  const { stdout } = await run('ip', [...isolation.prefix.slice(1), 'curl', '-sf', '--max-time', '5', `${slidev.url}/@vite/client`].filter(Boolean), { maxBuffer: 8 << 20 })
    .catch(async () => isolation.name ? { stdout: '' } : { stdout: await (await fetch(`${slidev.url}/@vite/client`)).text() })
  const token = /const wsToken = "([^"]+)"/.exec(stdout)?.[1]
  if (!token)
    throw new Error(`no wsToken in ${slidev.url}/@vite/client:\n${stdout.slice(0, 300)}`)
  return token
}

async function containersCreatedSince(): Promise<string[]> {
  const { stdout } = await run('docker', ['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1),
    '--filter', 'type=container', '--filter', 'event=create', '--filter', `label=${DECK_LABEL}=${deckIdOf(deck)}`, '--format', '{{.ID}}'], { timeout: 20_000 })
  return stdout.split('\n').filter(Boolean)
}

describe('a foreign page against the deck', () => {
  it.each([['another loopback address', '127.0.0.2'], ['another localhost port', 'localhost']])('from %s changes nothing and gets no token', async (_label, host) => {
    const pageOrigin = `http://${host}:${await freePort()}`
    const before = await treeHash(dir)
    const page = await attackerPage(pageOrigin)
    const results = await attack(page, { deck: slidev.url, deckFile: deck, hmrToken: await hmrToken(), protocolPath: PROTOCOL_PATH, tokenPath: TOKEN_PATH })
    await page.close()

    for (const [name, outcome] of Object.entries(results)) {
      if (name === 'hmr' || name === 'demo')
        expect(outcome, name).toBe('refused')
      else
        expect(outcome, name).toMatch(/^(?:blocked|opaque)$/)
    }
    // The deck's 403s themselves: test/server/slidev-endpoints.test.ts (Playwright reports no
    // response events for these cross-origin requests here). What counts is that nothing changed:

    await new Promise(r => setTimeout(r, 500)) // a write that slipped through has landed by now
    expect(await treeHash(dir)).toBe(before)
    await expect(stat(marker), 'an editor was started').rejects.toThrow(/ENOENT/)
    expect(await containersCreatedSince()).toEqual([])
    expect(slidev.output()).not.toContain('Writing file')
  })

  it('cannot frame the deck, and the framed deck asks for no token', async () => {
    const tokenRequests: string[] = []
    const page = await browser.newPage()
    page.on('request', (req) => {
      if (req.url().includes(TOKEN_PATH))
        tokenRequests.push(req.url())
    })
    const pageOrigin = `http://127.0.0.2:${await freePort()}`
    await page.route(`${pageOrigin}/**`, route => route.fulfill({ contentType: 'text/html', body: `<!doctype html><iframe id="deck" src="${slidev.url}/1" width="800" height="600"></iframe>` }))
    await page.goto(`${pageOrigin}/`)
    await page.waitForTimeout(5_000) // time for a deck that did load to ask for its token
    const frame = page.frames().find(f => f !== page.mainFrame())
    // Chromium shows its error page in place of a frame that frame-ancestors refuses.
    expect(frame?.url()).toBe('chrome-error://chromewebdata/')
    expect(tokenRequests).toEqual([])
    await page.close()
  })
})

describe('the deck\'s own page', () => {
  it('still frames itself and shows the presenter view', async () => {
    const page = await browser.newPage()
    const cspErrors: string[] = []
    page.on('console', (msg) => {
      if (/frame-ancestors|X-Frame-Options/i.test(msg.text()))
        cspErrors.push(msg.text())
    })
    await openDeck(page, '/presenter/1')
    const framed = await page.evaluate(async () => new Promise<string>((resolve) => {
      const iframe = document.createElement('iframe')
      iframe.src = '/2'
      iframe.onload = () => resolve(iframe.contentDocument?.location.pathname ?? 'no document')
      document.body.append(iframe)
    }))
    expect(framed).toBe('/2')
    expect(cspErrors).toEqual([])
    await page.close()
  })

  it('still saves a slide and writes its monaco-write snippet, once signed in as the presenter', async () => {
    const page = await browser.newPage()
    await page.goto(slidev.loginUrl('/1'), { waitUntil: 'load', timeout: 60_000 })
    await openDeck(page, '/1')
    const outcome = await page.evaluate(async () => {
      const slide = await (await fetch('/__slidev/slides/2.json')).json() as { content: string }
      const res = await fetch('/__slidev/slides/2.json', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content: `${slide.content}\n\nSaved by the deck` }) })
      const client = await (await fetch('/@vite/client')).text()
      const token = /const wsToken = "([^"]+)"/.exec(client)?.[1]
      const written = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/?token=${token}`, 'vite-hmr')
        ws.onopen = () => {
          ws.send(JSON.stringify({ type: 'custom', event: 'slidev:monaco-write', data: { file: 'snippets/target.ts', content: 'export const target = 2\n' } }))
          setTimeout(() => {
            ws.close()
            resolve('sent')
          }, 500)
        }
        ws.onerror = () => resolve('refused')
      })
      return { save: res.status, written }
    })
    expect(outcome).toEqual({ save: 200, written: 'sent' })
    expect(await readFile(deck, 'utf8')).toContain('Saved by the deck')
    expect(await readFile(path.join(dir, 'snippets/target.ts'), 'utf8')).toBe('export const target = 2\n')
    await page.close()
  })
})
