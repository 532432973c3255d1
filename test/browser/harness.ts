/**
 * Shared by the browser tests: the engine check, a free port, the Slidev dev server on a fixture
 * deck (with the demo server plugin from the repository's vite.config.ts), and Chromium.
 */
import type { ChildProcess } from 'node:child_process'
import type { Browser, Locator, Page } from 'playwright-core'
import { execFile, spawn } from 'node:child_process'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium } from 'playwright-core'

export const REPO = fileURLToPath(new URL('../..', import.meta.url))
export const FIXTURE_DECK = path.join(REPO, 'test/browser/fixtures/demo-deck.md')
export const SLIDEV = path.join(REPO, 'node_modules/@slidev/cli/bin/slidev.mjs')
/** The variable demo-server/server/vite-plugin.ts reads the deck's path from (DECK_ENV). */
export const DECK_ENV = 'DOCKER_DEMO_DECK'
export const CHROMIUM = '/usr/bin/chromium'
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run']

const run = promisify(execFile)

/** Fails with what to run when the engine or the stand-in image the fixture needs is missing. */
export async function requireEngine(image = 'alpine:latest'): Promise<void> {
  try {
    await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 10_000 })
  }
  catch (error) {
    throw new Error(`The Docker engine does not answer (${firstLine(error)}). Start it: bash test/setup/dockerd.sh`)
  }
  try {
    await run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeout: 10_000 })
  }
  catch {
    throw new Error(`The image "${image}" is missing. Build the stand-ins: bash test/images/build-standins.sh`)
  }
}

function firstLine(error: unknown): string {
  const e = error as { stderr?: string, message?: string }
  return (e.stderr || e.message || String(error)).trim().split('\n')[0]
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * A network namespace of its own for the dev server and Chromium. Every container start adds a
 * veth on the host, and Chromium aborts loads in flight (net::ERR_NETWORK_CHANGED) whenever an
 * interface appears; inside a namespace with only `lo` it sees none of that. The demo server
 * still reaches dockerd: /var/run/docker.sock is a file, not a network address.
 * Where namespaces cannot be made (not root), commands run as they are and may flake.
 */
export interface Isolation {
  /** null when running without a namespace. */
  name: string | null
  /** argv prefix that runs a command inside: `['ip', 'netns', 'exec', name]`, or []. */
  prefix: string[]
  /** An executable that starts Chromium inside, for playwright's executablePath. */
  chromium: string
  [Symbol.asyncDispose]: () => Promise<void>
}

let isolations = 0

/** Removes namespaces of earlier test processes that were killed before their cleanup ran. */
async function removeStaleNamespaces(): Promise<void> {
  const { stdout } = await run('ip', ['netns', 'list']).catch(() => ({ stdout: '' }))
  for (const match of stdout.matchAll(/^deck-test-(\d+)-\d+/gm)) {
    try {
      process.kill(Number(match[1]), 0)
    }
    catch {
      await run('ip', ['netns', 'del', match[0]]).catch(() => {})
    }
  }
}

export async function isolate(): Promise<Isolation> {
  await removeStaleNamespaces()
  const dir = await mkdtemp(path.join(tmpdir(), 'deck-browser-'))
  const name = `deck-test-${process.pid}-${++isolations}`
  try {
    await run('ip', ['netns', 'add', name])
    await run('ip', ['-n', name, 'link', 'set', 'lo', 'up'])
  }
  catch (error) {
    await run('ip', ['netns', 'del', name]).catch(() => {})
    console.warn(`[browser tests] no network namespace (${firstLine(error)}); container starts may abort page loads with ERR_NETWORK_CHANGED`)
    await rm(dir, { recursive: true, force: true })
    return { name: null, prefix: [], chromium: CHROMIUM, [Symbol.asyncDispose]: async () => {} }
  }
  const wrapper = path.join(dir, 'chromium')
  await writeFile(wrapper, `#!/bin/sh\nexec ip netns exec ${name} ${CHROMIUM} "$@"\n`)
  await chmod(wrapper, 0o755)
  return {
    name,
    prefix: ['ip', 'netns', 'exec', name],
    chromium: wrapper,
    [Symbol.asyncDispose]: async () => {
      await run('ip', ['netns', 'del', name]).catch(() => {})
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Runs `node <args>` from the repository root, inside the isolation. */
export function spawnNode(isolation: Isolation, args: string[], env: Record<string, string>): ChildProcess {
  const argv = [...isolation.prefix, process.execPath, ...args]
  return spawn(argv[0], argv.slice(1), {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Everything the child writes to stdout and stderr so far, for failure messages. */
export function outputOf(child: ChildProcess): () => string {
  let log = ''
  child.stdout?.on('data', (d: Buffer) => { log += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { log += d.toString() })
  return () => log
}

/** The child's exit code (null when a signal ended it). Call it before the child can exit. */
export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise(resolve => child.once('exit', resolve))
}

/** Runs any command inside the isolation (e.g. a static file server). */
export function spawnIn(isolation: Isolation, argv: string[]): ChildProcess {
  const full = [...isolation.prefix, ...argv]
  return spawn(full[0], full.slice(1), { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Does `url` answer 2xx from inside the isolation? */
async function answers(isolation: Isolation, url: string): Promise<boolean> {
  if (!isolation.name)
    return fetch(url).then(res => res.ok, () => false)
  return run('ip', [...isolation.prefix.slice(1), 'curl', '-sf', '-o', '/dev/null', '--max-time', '2', url]).then(() => true, () => false)
}

export interface SlidevProcess {
  url: string
  output: () => string
  /** The one-time presenter login URL the deck printed last (each use prints no new one: the
   *  server keeps the next in its runtime file), with `next` as the page to land on. */
  loginUrl: (next?: string) => string
  [Symbol.asyncDispose]: () => Promise<void>
}

/** Starts `slidev <deck> --port <free>` from the repository root (so the deck's addon, the
 *  repository, brings its vite.config.ts) and waits until it answers. `env` adds variables
 *  (e.g. a DOCKER_HOST no engine answers on). */
export async function startSlidev(isolation: Isolation, deck = FIXTURE_DECK, timeoutMs = 60_000, env: Record<string, string> = {}): Promise<SlidevProcess> {
  const port = await freePort()
  const child = spawnNode(isolation, [SLIDEV, deck, '--port', String(port)], { [DECK_ENV]: deck, ...env })
  const output = outputOf(child)
  const url = `http://localhost:${port}`
  const stop = () => stopChild(child)
  const deadline = Date.now() + timeoutMs
  while (!(await answers(isolation, `${url}/`))) {
    if (child.exitCode !== null)
      throw new Error(`slidev exited with code ${child.exitCode} before answering on ${url}:\n${output()}`)
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`slidev did not answer on ${url} within ${timeoutMs} ms:\n${output()}`)
    }
    await new Promise(r => setTimeout(r, 250))
  }
  const loginUrl = (next = '/') => {
    const printed = [...output().matchAll(/presenter login[^\n]*\n\s*(http:\S+)/g)].at(-1)?.[1]
    if (!printed)
      throw new Error(`slidev printed no presenter login URL:\n${output()}`)
    return `${printed}&next=${encodeURIComponent(next)}`
  }
  return { url, output, loginUrl, [Symbol.asyncDispose]: stop }
}

/** Waits until `url` answers 2xx from inside the isolation. */
export async function waitForUrl(isolation: Isolation, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await answers(isolation, url))) {
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer within ${timeoutMs} ms`)
    await new Promise(r => setTimeout(r, 200))
  }
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the child has exited. Safe to call twice. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return
  const exited = exitOf(child)
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

export async function launchChromium(isolation: Isolation): Promise<Browser & { [Symbol.asyncDispose]: () => Promise<void> }> {
  const browser = await chromium.launch({ executablePath: isolation.chromium, args: CHROMIUM_ARGS })
  return Object.assign(browser, { [Symbol.asyncDispose]: () => browser.close() })
}

/**
 * Navigates and waits for the page to settle. Chromium cancels loads with
 * net::ERR_NETWORK_CHANGED when a container start adds a veth (docs/engine-notes.md), so one retry.
 */
export async function gotoSettled(page: Page, url: string, timeoutMs = 45_000, waitUntil: 'networkidle' | 'load' = 'networkidle'): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(url, { waitUntil, timeout: timeoutMs })
      return
    }
    catch (error) {
      if (attempt >= 2 || !String(error).includes('ERR_NETWORK_CHANGED'))
        throw error
    }
  }
}

/** Once everything a demo's terminal received is on screen (TerminalView's `data-drawn`): xterm
 *  parses a write later and paints it on an animation frame after that, so a test that reads
 *  the rows as soon as the run's badge shows can read them half painted. */
export async function untilDrawn(demo: Locator, timeoutMs = 30_000): Promise<void> {
  await demo.locator('.terminal-view[data-drawn="true"]').last().waitFor({ timeout: timeoutMs })
}
