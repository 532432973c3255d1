/** `npm run demo`: the CLI drives an in-process server over the socket, as a slide does. */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DemoEngine } from '../../demo-server/engine/types'
import { MAX_INPUT_CHARS } from '../../demo-server/protocol'
import { deckIdOf } from '../../demo-server/server/demo-server'
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
    expect(listed.deck.demos.map(d => d.id)).toEqual(['hello', 'sleeper', 'slow', 'fails', 'capture', 'shell', 'after'])
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
})
