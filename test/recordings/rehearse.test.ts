/**
 * Rehearsals against the real engine, on the fixture decks in test/recordings/fixtures/ (copied
 * to a directory of their own, so their recordings and labels are theirs alone):
 * - the recording holds exactly the events a second window watching the same run received;
 * - a command edit makes it stale;
 * - `npm run rehearse` prints the summary and exits 0 when green (expected failure and an online
 *   step skipped offline included), 1 with the red step's deck line when a step fails the wrong
 *   way, and keeps the old recording of a red demo.
 */
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDeck } from '../../demo-server/deck/load'
import type { AsciicastOutputEvent, RunEndedMessage, RunStartedMessage } from '../../demo-server/protocol'
import { parseRecording, staleSteps } from '../../demo-server/recordings/cast-file'
import { rehearse } from '../../demo-server/recordings/rehearsal'
import { recordingPath } from '../../demo-server/recordings/store'
import { NodeDemoClient } from '../../demo-server/server/client'
import { deckIdOf, workdirOf } from '../../demo-server/server/demo-server'
import { summarizeDemo } from '../../demo-server/server/summary'
import { startStandaloneServer } from '../../demo-server/server/standalone'

const ROOT = path.resolve(import.meta.dirname, '../..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const REHEARSE = path.join(ROOT, 'demo-server/cli/rehearse.ts')
const ENGINE_DOWN = 'The Docker engine does not answer: start it with `bash test/setup/dockerd.sh` and build the stand-ins with `bash test/images/build-standins.sh`.'

let dir: string
const decks: string[] = []

async function copyFixture(name: string): Promise<string> {
  const deck = path.join(dir, name)
  await copyFile(path.join(import.meta.dirname, 'fixtures', name), deck)
  decks.push(deck)
  return deck
}

function rehearseCli(...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [REHEARSE, ...args], { cwd: dir, timeout: 180_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
    })
  })
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'recordings-rehearse-'))
  await using probe = await startStandaloneServer({ deckFile: await copyFixture('rehearse.md'), offline: true, log: () => {} })
  await using client = await NodeDemoClient.connect(probe.url)
  if (!client.status.engine.available)
    throw new Error(`${ENGINE_DOWN} (${client.status.engine.message ?? 'no reason given'})`)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
  for (const deck of decks)
    await rm(workdirOf(deckIdOf(deck)), { recursive: true, force: true })
})

interface WatchedRun {
  started: RunStartedMessage
  events: AsciicastOutputEvent[]
  ended?: RunEndedMessage
}

describe('a rehearsal records what the server streamed', () => {
  it('the .cast holds the very events a watching window received, and goes stale when a command changes', async () => {
    const deck = path.join(dir, 'rehearse.md')
    await using server = await startStandaloneServer({ deckFile: deck, offline: true, port: 0, log: () => {} })
    // A second window, watching only (no token), as the audience's laptops do.
    await using watcher = await NodeDemoClient.connect(server.url)
    const watched = new Map<string, WatchedRun>()
    watcher.onMessage((message) => {
      if (message.type === 'run-started')
        watched.set(message.runId, { started: message, events: [] })
      else if (message.type === 'output')
        watched.get(message.runId)?.events.push(message.event)
      else if (message.type === 'run-ended')
        watched.get(message.runId)!.ended = message
    })
    watcher.send({ type: 'subscribe', demoId: 'hello' })
    watcher.send({ type: 'subscribe', demoId: 'expected' })
    await watcher.next(m => m.type === 'snapshot' && m.demoId === 'expected')

    const report = await rehearse({ deckFile: deck, offline: true, server: { url: server.url, token: server.token } })
    expect(report.results.map(r => [r.demo.id, r.green, r.recording, r.skippedOnline])).toEqual([['hello', true, 'new', 0], ['expected', true, 'new', 1]])

    for (const demoId of ['hello', 'expected']) {
      const file = recordingPath(deck, demoId)
      const recording = parseRecording(await readFile(file, 'utf8'), file)
      const runs = [...watched.values()].filter(run => run.started.demoId === demoId)
      expect(recording.steps.map(step => [step.index, step.prompt, step.command, step.outcome, step.exitCode ?? null]))
        .toEqual(runs.map(run => [run.started.step, run.started.prompt, run.started.command, run.ended!.outcome, run.ended!.exitCode]))
      // Same bytes, same times (to the microsecond the protocol uses), event by event.
      expect(recording.steps.map(step => step.events)).toEqual(runs.map(run => run.events))
      expect(recording.header.docker_demo).toMatchObject({ deck: 'rehearse.md', demoId, standins: true, engine: { apiVersion: expect.any(String) } })
      expect(Object.keys(recording.header.docker_demo.images)).toEqual(['alpine:latest'])
    }
    const expected = parseRecording(await readFile(recordingPath(deck, 'expected'), 'utf8'), 'expected.cast')
    expect(expected.steps.map(s => s.outcome)).toEqual(['expected-failure', 'skipped', 'ok'])
    expect(expected.steps[1].events.map(e => e[2]).join('')).toContain('# not run: this step needs the internet')

    // An edited command makes exactly that step stale.
    const hello = parseRecording(await readFile(recordingPath(deck, 'hello'), 'utf8'), 'hello.cast')
    const current = await loadDeck(deck)
    expect(staleSteps(hello, summarizeDemo(current.demos[0]).steps)).toEqual([])
    await writeFile(deck, (await readFile(deck, 'utf8')).replace('seq 4 6', 'seq 4 7'))
    const edited = await loadDeck(deck)
    expect(staleSteps(hello, summarizeDemo(edited.demos[0]).steps)).toEqual([{ index: 2, reason: 'command-changed' }])
    await writeFile(deck, (await readFile(deck, 'utf8')).replace('seq 4 7', 'seq 4 6'))
  })
})

describe('npm run rehearse', () => {
  it('green: the summary table, the expected failure and the online step skipped offline; exit 0; unchanged the second time', async () => {
    const result = await rehearseCli('rehearse.md', '--offline')
    expect(result.stderr).toContain('Rehearsing 2 demos, 5 steps\n')
    expect(result.stderr).toMatch(/^ok {5}expected: 1 ok, 1 expected failure, 1 online skipped offline; [\d.]+ s; recording unchanged/m)
    const table = result.stdout.split('\n').filter(line => /^(DEMO|hello|expected) /.test(line)).map(line => line.split(/ {2,}/))
    expect(table).toEqual([
      ['DEMO', 'STEPS', 'RESULT', 'DURATION', 'RECORDING'],
      ['hello', '2', '2 ok', expect.stringMatching(/^[\d.]+ s$/), 'unchanged'],
      ['expected', '3', '1 ok, 1 expected failure, 1 online skipped offline', expect.stringMatching(/^[\d.]+ s$/), 'unchanged'],
    ])
    expect(result.stdout).toMatch(/2 demos: 2 green, 0 red; 1 online step skipped \(offline\); recordings: 0 new, 0 changed, 2 unchanged; /)
    expect(result.code).toBe(0)
  })

  it('red: a step that fails the wrong way is named with its deck line; exit 1; the red demo\'s old recording is kept', async () => {
    const deck = await copyFixture('rehearse-red.md')
    const old = '{"version": 2, "this": "is the old recording and must stay"}\n'
    await mkdir(path.dirname(recordingPath(deck, 'wrong-failure')), { recursive: true })
    await writeFile(recordingPath(deck, 'wrong-failure'), old)
    const result = await rehearseCli('rehearse-red.md', '--offline')
    expect(result.stdout).toMatch(/^wrong-failure +2 +FAILED at step 1 \(failed, exit 3\) +[\d.]+ s +not written \(kept the old one\)$/m)
    expect(result.stdout).toContain('rehearse-red.md:18: step 1 ($ docker run --rm alpine sh -c \'echo some other error; exit 3\') ended failed (exit 3): the step failed as expected (exit 3), but its output does not contain "bad address".\n    | docker run --rm alpine sh -c \'echo some other error; exit 3\'\n    | some other error\n')
    expect(result.stdout).toContain('2 demos: 1 green, 1 red;')
    expect(result.stdout).toContain('Fix the steps above, then: npm run rehearse -- --only wrong-failure')
    expect(result.code).toBe(1)
    expect(await readFile(recordingPath(deck, 'wrong-failure'), 'utf8')).toBe(old)
    expect((await stat(recordingPath(deck, 'fine'))).size).toBeGreaterThan(0)
  })

  it('an unknown demo is refused before anything runs, naming the demos there are', async () => {
    const result = await rehearseCli('rehearse.md', '--only', 'nope')
    expect(result.stderr).toContain('There is no demo "nope" in rehearse.md; its demos are: hello, expected.')
    expect(result.code).toBe(2)
  })
})
