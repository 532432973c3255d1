/**
 * `npm run export` (scripts/export.mjs) of the fixture deck with its fixture recordings: the
 * PDF holds each demo's code and its recorded output as text (Japanese included, as 見 and not
 * the look-alike ⾒), none of the live controls, and no container was created while exporting.
 * The wrapper names the demo without a recording, with the command that records it.
 */
import type { ChildProcess } from 'node:child_process'
import type { Isolation } from './harness'
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deckIdOf } from '../../demo-server/server/demo-server'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import { exitOf, FIXTURE_DECK, isolate, outputOf, REPO, spawnNode, stopChild } from './harness'

const run = promisify(execFile)

let isolation: Isolation
let dir: string
let pdf: string
let exporter: ChildProcess | undefined
let output: () => string
let text: string
let since: string
let until: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'deck-export-'))
  isolation = await isolate()
  pdf = path.join(dir, 'fixture.pdf')
  since = String(Math.floor(Date.now() / 1000) - 1)
  // Slidev starts its own dev server and Chromium: both inside the isolation.
  exporter = spawnNode(isolation, [path.join(REPO, 'scripts/export.mjs'), FIXTURE_DECK, '--output', pdf], {})
  output = outputOf(exporter)
  expect(await exitOf(exporter), `export failed:\n${output()}`).toBe(0)
  until = String(Math.floor(Date.now() / 1000) + 1)
  expect((await stat(pdf)).size, `no PDF written; export said:\n${output()}`).toBeGreaterThan(1000)
  text = (await run('pdftotext', ['-layout', pdf, '-'])).stdout
  mkdirSync(path.join(REPO, 'test-results'), { recursive: true })
  await run('cp', [pdf, path.join(REPO, 'test-results', 'export.pdf')])
}, 240_000)

afterAll(async () => {
  // A hook that timed out leaves the export (its dev server and Chromium) running.
  if (exporter)
    await stopChild(exporter)
  await isolation?.[Symbol.asyncDispose]()
  if (dir)
    await rm(dir, { recursive: true, force: true })
})

describe('npm run export of a deck with DockerDemo and recordings', () => {
  it('did not time out, and names the demo it printed without output', () => {
    expect(output()).not.toContain('TimeoutError')
    expect(output()).toContain('Handout written:')
    expect(output()).toContain('no recording for tty: npm run rehearse -- --only tty')
  })

  it('prints every demo\'s code', () => {
    expect(text).toContain('docker run --rm alpine echo hello')
    expect(text).toContain('docker run --rm alpine echo before')
    expect(text).toContain('docker run --rm alpine sh -c "echo oops; exit 3"')
    expect(text).toContain('docker run -it --name fixture-tty alpine sh')
  })

  it('prints each step\'s recorded output as text, Japanese as written', () => {
    for (const line of ['hello from the recording', '緑の見出し', '┌─┐', '見る', 'before', 'oops', '#2 expected failure — exit 3', '録画'])
      expect(text).toContain(line)
    expect(text).not.toContain('\u2F92') // ⾒, the Kangxi radical that SVG text turns 見 into
  })

  it('prints no controls and no connection notes', () => {
    for (const live of ['▶', 'demo server not available', 'connecting', 'view only', 'running…', '1×'])
      expect(text).not.toContain(live)
  })

  it('runs no demo: no container of this deck was created while exporting', async () => {
    const { stdout } = await run('docker', ['events', '--since', since, '--until', until, '--filter', 'type=container', '--filter', 'event=create',
      '--filter', `label=${DECK_LABEL}=${deckIdOf(FIXTURE_DECK)}`, '--format', '{{.Actor.ID}}'], { timeout: 30_000 })
    expect(stdout.trim()).toBe('')
  })

  it('renders pages a reader can look at', async () => {
    const shots = path.join(REPO, 'test-results')
    mkdirSync(shots, { recursive: true })
    await run('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', pdf, path.join(shots, 'export-page')])
    expect((await stat(path.join(shots, 'export-page-1.png'))).size).toBeGreaterThan(1000)
  })
})
