/**
 * Slidev's and Vite's own endpoints on a real Slidev dev server with the docker-demo plugin:
 * the middleware stack and socket listeners are the reviewed ones (a Slidev or Vite upgrade that
 * adds an endpoint fails here until it is reviewed into ENDPOINTS), and the guard refuses
 * writes by header and by address while the deck's own requests still work.
 */
import type { AddressInfo } from 'node:net'
import type { ViteDevServer } from 'vite'
import { createHash } from 'node:crypto'
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { createServer, resolveOptions } from '@slidev/cli'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { ENDPOINTS } from '../../demo-server/server/dev-server-guard'
import { GUARD_MIDDLEWARE_NAME } from '../../demo-server/server/dev-server-guard-hooks'
import { serverAt } from '../../demo-server/server/state-dir'
import { dockerDemoPlugin } from '../../demo-server/server/vite-plugin'
import { REPO } from '../browser/harness'
import { sandbox } from './helpers'

const DECK = `---
title: guard fixture
mcp: true
---

# One

---

# Two
`

/**
 * The dev server's middleware stack (in any order; some come and go with the deck), reviewed against Slidev 52.20.1 and Vite 8.4 (each row:
 * the function's name, or the start of its source when it has none). Every entry that can
 * change something has a row in ENDPOINTS (demo-server/server/dev-server-guard.ts).
 */
const REVIEWED_STACK = [
  GUARD_MIDDLEWARE_NAME,
  'viteRejectInvalidRequestMiddleware',
  'hostValidationMiddleware',
  'async (req, res, next) => { const match = req.url?.match(regexSlideReqPath);', // slidev:loader, /__slidev/slides/N.json
  'async (req, res, next) => { if (req.url?.split("?")[0]?.replace(/\\/$/, "") !== "/__mcp") return next();', // slidev:mcp
  'async (req, res, next) => { if (!req.url || req.method !== "POST") return next(); const id = parseId(req.url);', // server-ref
  'async (req, res, next) => { if (req.url !== postPath) return next();', // unocss:devtools
  '(req, res, next) => { const url = req.url?.split("?")[0]; if (url === BASE_URL.slice(0, -1)) {', // unocss:inspector redirect
  '/__unocss (req, res, next) => { (async () => { const method = req.method; if (method !== "GET" && method !== "HEAD") {', // unocss inspector files
  'nodeMiddleware', // devframe (unocss inspector RPC) under /__unocss/
  '(req, res, next) => { if (!demo.handleRequest(req, res)) next();', // docker-demo token
  'viteCachedTransformMiddleware',
  '/__open-in-editor launchEditorMiddleware',
  'viteHMRPingMiddleware',
  'viteServeStaticCopyMiddleware',
  'viteServePublicMiddleware',
  'viteTransformMiddleware',
  'viteServeRawFsMiddleware',
  'viteServeStaticMiddleware',
  'viteHtmlFallbackMiddleware',
  'async (req, res, next) => { if (req.url === "/index.html") {', // slidev: index.html
  'viteIndexHtmlMiddleware',
  'vite404Middleware',
  'viteErrorMiddleware',
]

/** The server-side listeners for client messages on Vite's HMR socket, by package, as found in
 *  node_modules (`.ws.on(` and `hot.on(`), reviewed: what they change is in ENDPOINTS. */
const REVIEWED_HMR_LISTENERS: Record<string, number> = {
  '@slidev/cli': 1, // ws.on('connection') -> slidev:monaco-write
  '@unocss/vite': 1, // unocss:hmr
  '@vitejs/plugin-vue': 1, // client code (generated HMR runtime), not a server listener
  '@vitest/mocker': 9, // vitest's own server, not the deck's
  'vite-plugin-inspect': 2, // its client app, only with `slidev --inspect`
  'vite-plugin-vue-server-ref': 1, // client code it generates (server -> client)
  'vite': 7, // vite:invalidate and Vite's own client/module-runner events
}

let box: Awaited<ReturnType<typeof sandbox>>
let deck: string
let server: ViteDevServer
let origin: string

async function startDeck(host: string): Promise<ViteDevServer> {
  const options = await resolveOptions({ entry: deck }, 'dev')
  const vite = await createServer(options, {
    logLevel: 'silent',
    server: { host, port: 0, strictPort: false },
    plugins: [dockerDemoPlugin({ deck, offline: true })],
  })
  await vite.listen()
  return vite
}

beforeAll(async () => {
  box = await sandbox()
  deck = path.join(box.dir, 'slides.md')
  await writeFile(deck, DECK)
  server = await startDeck('127.0.0.1')
  origin = `http://localhost:${(server.httpServer!.address() as AddressInfo).port}`
})

afterAll(async () => {
  await server?.close()
  await box?.[Symbol.asyncDispose]()
})

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** One raw HTTP request, headers exactly as given (fetch would add and forbid some). */
function send(url: string, method: string, headers: Record<string, string>, body?: string, localAddress?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, localAddress, timeout: 10_000 }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} did not answer within 10 s`)))
    req.on('error', reject)
    req.end(body)
  })
}

const run = promisify(execFile)
const hashOf = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex')

describe('the endpoint inventory', () => {
  it('is the reviewed middleware stack, with the guard first', () => {
    const stack = server.middlewares.stack.map((layer) => {
      const handle = layer.handle as { name: string, toString: () => string }
      const text = handle.name || handle.toString().replace(/\s+/g, ' ')
      return `${layer.route ? `${layer.route} ` : ''}${text}`
    })
    const unreviewed = stack.filter(entry => !REVIEWED_STACK.some(reviewed => entry.startsWith(reviewed)))
    expect(unreviewed, 'new dev-server middleware: read what it changes, add a row to ENDPOINTS in demo-server/server/dev-server-guard.ts and to REVIEWED_STACK').toEqual([])
    // Before every plugin's middleware, whatever order the plugins' hooks ran in.
    expect(stack[0]).toBe(GUARD_MIDDLEWARE_NAME)
    // The write endpoints are still there (else the attack tests would prove nothing).
    for (const writer of ['regexSlideReqPath', '"/__mcp"', 'parseId(req.url)', 'postPath', '/__open-in-editor launchEditorMiddleware'])
      expect(stack.filter(entry => entry.includes(writer)), writer).toHaveLength(1)
  })

  it('knows every socket: Vite\'s HMR, the UnoCSS inspector\'s RPC and the demo server\'s', () => {
    const listeners = server.httpServer!.listeners('upgrade').map(fn => fn.name || fn.toString().replace(/\s+/g, ' ').slice(0, 60))
    expect(listeners.sort()).toEqual([
      '(req, socket, head) => { socket.on("error", () => {}); if (p', // devframe: /__unocss/__ws
      'hmrServerWsListener',
      'onUpgrade', // demo-server/server/vite-plugin.ts
    ])
    expect(server.httpServer!.emit.name).toBe('guardedEmit')
    expect(ENDPOINTS.filter(row => row.method === 'upgrade').map(row => row.owner)).toEqual(['vite (HMR)', 'docker-demo'])
  })

  it('knows every listener for client messages on the HMR socket', async () => {
    // grep: reading every script of node_modules from Node takes over a minute here.
    const { stdout } = await run('grep', ['-rEo', '--include=*.js', '--include=*.mjs', '--include=*.cjs', String.raw`\.ws\.on\(|\bhot\.on\(`, path.join(REPO, 'node_modules')], { maxBuffer: 16 << 20 })
    const found: Record<string, number> = {}
    for (const line of stdout.split('\n').filter(Boolean)) {
      const pkg = packageOf(line.slice(0, line.lastIndexOf(':')))
      found[pkg] = (found[pkg] ?? 0) + 1
    }
    expect(found, 'a package now listens for HMR client messages: review what they change and add a row to ENDPOINTS').toEqual(REVIEWED_HMR_LISTENERS)
  })
})

describe('the guard on a real Slidev dev server', () => {
  it('refuses foreign pages\' writes to the deck and lets the deck\'s own page save', async () => {
    const before = await hashOf(deck)
    const url = `${origin}/__slidev/slides/1.json`
    const body = JSON.stringify({ content: '# Rewritten' })
    const attempts: Record<string, string>[] = [
      { 'Origin': 'http://localhost:1', 'Sec-Fetch-Site': 'same-site', 'Content-Type': 'text/plain' },
      { 'Origin': 'http://127.0.0.2:1', 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'text/plain' },
      { 'Origin': 'null', 'Content-Type': 'application/json' },
      { 'Referer': 'http://localhost:1/attack', 'Content-Type': 'text/plain' },
      { 'Origin': origin, 'Sec-Fetch-Site': 'none' },
    ]
    for (const headers of attempts) {
      const answer = await send(url, 'POST', headers, body)
      expect(answer.status, JSON.stringify(headers)).toBe(403)
      expect(answer.body).toMatch(/^Forbidden: POST \/__slidev\/slides\/1\.json came from .*only the deck's own pages may change it\n$/)
    }
    expect(await hashOf(deck)).toBe(before)

    // The deck's own page, but in a browser that never signed in as the presenter.
    const ownHeaders = { 'Origin': origin, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/json' }
    const unsigned = await send(url, 'POST', ownHeaders, body)
    expect(unsigned.status).toBe(403)
    expect(unsigned.body).toContain('only the presenter may')
    // A program of another user, or a container on the host network: no browser headers, no token.
    expect((await send(url, 'POST', { 'Content-Type': 'application/json' }, body)).status).toBe(403)
    expect(await hashOf(deck)).toBe(before)

    // The presenter signs in with the printed URL (here: from the runtime file), then saves.
    const login = await send(serverAt(origin)!.loginUrl, 'GET', {})
    expect(login.status).toBe(303)
    const cookie = String(login.headers['set-cookie']).split(';')[0]
    const own = await send(url, 'POST', { ...ownHeaders, Cookie: cookie }, body)
    expect(own.status, own.body).toBe(200)
    expect(await readFile(deck, 'utf8')).toContain('# Rewritten')
  })

  it('refuses a foreign MCP call, preflight, editor launch and server-ref write', async () => {
    const foreign = { 'Origin': 'http://localhost:1', 'Sec-Fetch-Site': 'same-site' }
    const mcp = await send(`${origin}/__mcp`, 'POST', { ...foreign, 'Content-Type': 'application/json', 'Accept': 'application/json, text/event-stream' }, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slidev-update-slide', arguments: { no: 1, content: '# MCP' } } }))
    expect(mcp.status).toBe(403)
    expect((await send(`${origin}/__mcp`, 'OPTIONS', { ...foreign, 'Access-Control-Request-Method': 'POST' })).status).toBe(403)
    // Vite's router matches any case and a `.suffix`: the guard must too.
    for (const route of ['/__open-in-editor', '/__OPEN-IN-EDITOR', '/__open-in-editor.x'])
      expect((await send(`${origin}${route}?file=${encodeURIComponent(deck)}`, 'GET', { 'Sec-Fetch-Site': 'cross-site', 'Referer': 'http://127.0.0.2:1/' })).status, route).toBe(403)
    expect((await send(`${origin}/@server-reactive/nav`, 'POST', { ...foreign, 'Content-Type': 'text/plain' }, JSON.stringify({ data: { page: 2 } }))).status).toBe(403)
    expect(await readFile(deck, 'utf8')).not.toContain('# MCP')
  })

  it('sends frame headers everywhere and no CORS grant to other localhost pages', async () => {
    for (const p of ['/', '/@vite/client', '/__slidev/slides/1.json']) {
      const answer = await send(`${origin}${p}`, 'GET', { Origin: 'http://localhost:1' })
      expect(answer.status, p).toBe(200)
      expect(answer.headers['content-security-policy'], p).toBe('frame-ancestors \'self\'')
      expect(answer.headers['x-frame-options'], p).toBe('SAMEORIGIN')
      expect(answer.headers['access-control-allow-origin'], p).toBeUndefined()
    }
  })

  it('refuses a foreign page\'s HMR socket even with Vite\'s token, and opens the deck\'s own', async () => {
    const hmr = (pageOrigin: string) => new Promise<string>((resolve) => {
      const socket = new WebSocket(`${origin.replace('http', 'ws')}/?token=${server.config.webSocketToken}`, 'vite-hmr', { origin: pageOrigin })
      socket.once('open', () => {
        socket.close()
        resolve('open')
      })
      socket.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`))
      socket.once('error', error => resolve(error.message))
    })
    expect(await hmr('http://localhost:1')).toBe('HTTP 403')
    expect(await hmr('http://127.0.0.2:1')).toBe('HTTP 403')
    expect(await hmr(origin)).toBe('open')
  })

  it('refuses writes from another machine\'s address even from the deck\'s own origin', async () => {
    const address = Object.values(os.networkInterfaces()).flat().find(entry => entry && entry.family === 'IPv4' && !entry.internal)?.address
    if (!address)
      throw new Error('No non-loopback IPv4 address on this machine to play "another machine" (os.networkInterfaces()); the Docker engine\'s docker0 bridge gives one: bash test/setup/dockerd.sh')
    const lan = await startDeck(address)
    try {
      const lanOrigin = `http://${address}:${(lan.httpServer!.address() as AddressInfo).port}`
      const before = await hashOf(deck)
      const answer = await send(`${lanOrigin}/__slidev/slides/1.json`, 'POST', { 'Origin': lanOrigin, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/json' }, JSON.stringify({ content: '# LAN' }), address)
      expect(answer.status).toBe(403)
      expect(answer.body).toBe(`Forbidden: POST /__slidev/slides/1.json acts on the deck (its files, its windows or this machine), and only the presenter's machine may do that (this request came from ${address}); other machines may watch\n`)
      expect(await hashOf(deck)).toBe(before)
      // Reads stay open: another machine may watch.
      expect((await send(`${lanOrigin}/__slidev/slides/1.json`, 'GET', {}, undefined, address)).status).toBe(200)
    }
    finally {
      await lan.close()
    }
  })
})

function packageOf(file: string): string {
  const parts = path.relative(path.join(REPO, 'node_modules'), file).split(path.sep)
  const last = parts.lastIndexOf('node_modules')
  const rest = last >= 0 ? parts.slice(last + 1) : parts
  return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
}
