/**
 * `slidev export` of the fixture deck: DockerDemo is static in print mode. The PDF holds each
 * demo's code and none of the live controls, and the export did not time out waiting for a
 * page (Slidev exits 0 even then, so its output is checked).
 */
import type { ChildProcess } from 'node:child_process'
import type { Isolation } from './harness'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, DECK_ENV, exitOf, FIXTURE_DECK, isolate, outputOf, SLIDEV, spawnNode, stopChild } from './harness'

const run = promisify(execFile)

let isolation: Isolation
let dir: string
let exporter: ChildProcess | undefined
let output: () => string
let text: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'deck-export-'))
  isolation = await isolate()
  const pdf = path.join(dir, 'fixture.pdf')
  // Slidev starts its own dev server and Chromium: both inside the isolation.
  exporter = spawnNode(isolation, [SLIDEV, 'export', FIXTURE_DECK, '--executable-path', CHROMIUM, '--output', pdf, '--timeout', '60000'], { [DECK_ENV]: FIXTURE_DECK })
  output = outputOf(exporter)
  expect(await exitOf(exporter), `slidev export failed:\n${output()}`).toBe(0)
  expect((await stat(pdf)).size, `no PDF written; export said:\n${output()}`).toBeGreaterThan(1000)
  text = (await run('pdftotext', ['-layout', pdf, '-'])).stdout
}, 180_000)

afterAll(async () => {
  // A hook that timed out leaves the export (its dev server and Chromium) running.
  if (exporter)
    await stopChild(exporter)
  await isolation?.[Symbol.asyncDispose]()
  if (dir)
    await rm(dir, { recursive: true, force: true })
})

describe('slidev export of a deck with DockerDemo', () => {
  it('does not time out waiting for a slide', () => {
    expect(output()).not.toContain('TimeoutError')
  })

  it('prints every demo\'s code', () => {
    expect(text).toContain('docker run --rm alpine echo hello')
    expect(text).toContain('docker run --rm alpine echo before')
    expect(text).toContain('docker run --rm alpine sh -c "echo oops; exit 3"')
    expect(text).toContain('docker run -it --name fixture-tty alpine sh')
  })

  it('prints no controls and no connection notes', () => {
    for (const live of ['▶', 'demo server not available', 'connecting', 'view only', 'running…'])
      expect(text).not.toContain(live)
  })
})
