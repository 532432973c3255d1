/** `npm run demo`: the CLI drives an in-process server over the socket, as a slide does. */
import { execFile, spawn } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DemoEngine } from '../../demo-server/engine/types'
import { MAX_INPUT_CHARS } from '../../demo-server/protocol'
import { deckIdOf } from '../../demo-server/server/demo-server'
import { serverAt } from '../../demo-server/server/state-dir'
import type { Sandbox } from './helpers'
import { realEngine, sandbox } from './helpers'

const ROOT = path.resolve(import.meta.dirname, '../..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const CLI = path.join(ROOT, 'demo-server/cli/demo.ts')

let box: Sandbox
let engine: DemoEngine

beforeAll(async () => {
  engine = await realEngine()
  box = await sandbox()
}, 30_000)

afterAll(async () => {
  await engine?.reset({ deckId: deckIdOf(box.deck) }).catch(() => {})
  await engine?.close()
  await box?.[Symbol.asyncDispose]()
})

function demo(...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return typing(undefined, ...args)
}

/** The CLI with `input` piped into its stdin. */
function typing(input: string | undefined, ...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(TSX, [CLI, ...args], { cwd: box.dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
    child.stdin!.end(input ?? '')
  })
}

describe('demo CLI', () => {
  it('lists the demos of a deck', async () => {
    const { code, stdout } = await demo('list', '--json', 'demos.md')
    expect(code).toBe(0)
    const listed = JSON.parse(stdout) as { engine: { available: boolean }, deck: { demos: { id: string }[] } }
    expect(listed.engine.available).toBe(true)
    expect(listed.deck.demos.map(d => d.id)).toEqual(['hello', 'sleeper', 'slow', 'slow-on-purpose', 'fails', 'capture', 'shell', 'after'])
  }, 60_000)

  it('runs a demo, streaming its output, and exits 0', async () => {
    const { code, stdout, stderr } = await demo('run', 'after', 'demos.md')
    expect(stderr).toContain('3 steps done')
    expect(code).toBe(0)
    expect(stdout.replaceAll('\r\n', '\n')).toContain('$ docker run --rm alpine echo hello\nhello\n')
    expect(stdout).toContain('after')
  }, 60_000)

  it('exits 1 naming file:line when a step fails, 2 for an unknown demo', async () => {
    const failed = await demo('run', 'fails', 'demos.md')
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/demos\.md:\d+: demo "fails" step 2: failed \(exit 4\): the step exited with 4/)
    const unknown = await demo('run', 'nope', 'demos.md')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('There is no demo "nope" in demos.md; its demos are: hello, sleeper')
  }, 60_000)

  it('types piped input into an interactive step', async () => {
    const { code, stdout } = await typing('echo typed-$((6*7))\nexit\n', 'run', 'shell', '--interactive', 'demos.md')
    expect(stdout).toContain('typed-42')
    expect(code).toBe(0)
  }, 60_000)

  it('types a paste larger than one input message in parts', async () => {
    const paste = Array.from({ length: 40 }, (_, i) => `: ${String(i).repeat(500).slice(0, 500)}\n`).join('')
    expect(paste.length).toBeGreaterThan(MAX_INPUT_CHARS)
    const { code, stdout } = await typing(`${paste}echo typed-$((6*7))\nexit\n`, 'run', 'shell', '--interactive', 'demos.md')
    expect(stdout).toContain('typed-42')
    expect(code).toBe(0)
  }, 60_000)

  it('resets a demo', async () => {
    const { code, stdout } = await demo('reset', 'hello', 'demos.md')
    expect(code).toBe(0)
    expect(stdout).toMatch(/Reset demo "hello": removed \d+ containers/)
  }, 60_000)

  it('serves through npm with no token on its output or command line, and stops on SIGTERM', async () => {
    // Through npm, as a presenter starts it: npm must hand the signal to the server itself.
    const child = spawn('npm', ['run', '--silent', 'demo', '--', 'serve', '--port', '0', '--offline', path.join(box.dir, 'demos.md')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>(resolve => child.once('exit', resolve))
    try {
      await expect.poll(() => output, { timeout: 30_000 }).toMatch(/ws:\/\/127\.0\.0\.1:\d+\/__docker-demo/)
      const url = output.match(/ws:\/\/127\.0\.0\.1:\d+\/__docker-demo/)![0]
      const info = serverAt(url.replace(/^ws/, 'http'))!
      expect(output).not.toContain(info.token)
      const { stdout: commandLines } = await promisify(execFile)('ps', ['-eo', 'args'])
      expect(commandLines).not.toContain(info.token)

      // Another command of this user finds the token in the runtime file.
      const ran = await demo('run', 'hello', '--step', '1', '--url', url)
      expect(ran.stdout).toMatch(/^hello\r?$/m)
      expect(ran.code).toBe(0)
      const login = await demo('login', '--url', url)
      expect(login.stdout.trim()).toBe(serverAt(url.replace(/^ws/, 'http'))!.loginUrl)

      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      // Nothing listens any more, and the runtime file is gone.
      await expect(fetch(url.replace(/^ws/, 'http'))).rejects.toThrow()
      expect(serverAt(url.replace(/^ws/, 'http'))).toBeUndefined()
    }
    finally {
      child.kill('SIGKILL')
    }
  }, 90_000)
})
