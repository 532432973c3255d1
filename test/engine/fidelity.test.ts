/**
 * Fidelity of the run path: every line of test/engine/fixtures/fidelity.md runs through the demo
 * server's engine (the real CLI in a PTY, talking through the proxy) and then, in a fresh
 * directory, through the same CLI straight against the engine in the same PTY size. Output and
 * exit code must be the same, apart from ids, times, addresses and column widths. For Debian's
 * CLI 20.10 (/usr/bin/docker) and the first `docker` on PATH when that is another one.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Step } from '../../demo-server/deck/model'
import { parseDeck } from '../../demo-server/deck/parse'
import { tokenize } from '../../demo-server/docker-cli/tokenize'
import { cliEnvironment } from '../../demo-server/engine/cli-launch'
import { createDockerEngine } from '../../demo-server/engine/index'
import { PtyProcess } from '../../demo-server/engine/pty-process'
import type { DemoEngine } from '../../demo-server/engine/types'
import { docker, RecordingIO, removeTestObjects, requireEngine, TEST_DECK_PREFIX } from './harness'
import { plainRunContext } from './run-context'

const DEBIAN_CLI = '/usr/bin/docker'
const FIXTURE = path.join(import.meta.dirname, 'fixtures/fidelity.md')
const ENGINE_SOCKET = 'unix:///var/run/docker.sock'
const COLS = 120
const ROWS = 30

function clis(): string[] {
  if (!fs.existsSync(DEBIAN_CLI))
    throw new Error(`The fidelity tests need Debian's docker CLI 20.10 at ${DEBIAN_CLI}: apt-get install -y docker.io`)
  const onPath = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim()
  const resolved = [DEBIAN_CLI, onPath].map(file => fs.realpathSync(file))
  return resolved[0] === resolved[1] ? [DEBIAN_CLI] : [DEBIAN_CLI, onPath]
}

/** What may differ between two runs of the same line: ids, times, addresses, widths. */
function normalize(command: string, text: string, workdir: string): string {
  let out = text.replaceAll(workdir, '<workdir>').replace(/\r/g, '')
    .replace(/sha256:[0-9a-f]{64}/g, '<digest>')
    .replace(/(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/g, '<id>')
    .replace(/(?<![0-9a-f])[0-9a-f]{12}(?![0-9a-f])/g, '<id>')
    .replace(/(About an? \w+|Less than a second|\d+ \w+) ago/g, '<ago>')
    .replace(/Up (About an? \w+|Less than a second|\d+ \w+)/g, 'Up <time>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)/g, '<time>')
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}:\d+/g, '<ip>:<port>')
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '<ip>')
  // Process ids and start times; the whole engine's counts and sizes.
  if (/^docker (top|system df)\b/.test(command))
    out = out.replace(/\d+(\.\d+)?\s?[kMG]?B\b/g, '<size>').replace(/\b\d+(\.\d+)?%/g, '<pct>').replace(/\d+/g, 'N')
  // Known difference, the one left: the proxy labels a build through its `labels` parameter
  // (proxy/rewrite.ts, labelBuildQuery), which the classic builder shows as one LABEL step per
  // label, `docker history` as one layer each, and `docker rmi` deletes them. Those are cut
  // (repeated "Deleted:" lines count as one) and the step count hidden;
  // everything else must match.
  if (/^docker rmi\b/.test(command))
    out = out.replace(/(Deleted: <digest>\n)+/g, 'Deleted: <digest>\n')
  if (/^docker history\b/.test(command))
    out = out.replace(/^.*LABEL org\.docker-demo\..*\n/gm, '')
  if (/^docker build\b/.test(command)) {
    out = out.replace(/Step \d+\/\d+ : LABEL org\.docker-demo\.[^\n]*\n ---> Running in <id>\nRemoving intermediate container <id>\n ---> <id>\n/g, '')
      .replace(/Step (\d+)\/\d+ :/g, 'Step $1/M :')
  }
  return out.replace(/ {2,}/g, '  ').replace(/[ \t]+$/gm, '')
}

/** The same argv, the same CLI, the same terminal size, straight to the engine. */
async function runDirect(cli: string, args: string[], workdir: string): Promise<{ exitCode: number, output: string }> {
  const terminal = PtyProcess.spawn(cli, args, { cols: COLS, rows: ROWS, env: cliEnvironment(process.env, ENGINE_SOCKET, true), cwd: workdir })
  let output = ''
  const remove = terminal.onData((data) => { output += data })
  const { exitCode } = await terminal.exited
  remove()
  return { exitCode, output }
}

function argvOf(step: Step, workdir: string): string[] {
  return tokenize(step.command, { variable: () => undefined, pwd: () => workdir }).slice(1)
}

function workdirWithDockerfile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fidelity-'))
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:latest\nRUN echo built > /built.txt\nCMD ["cat", "/built.txt"]\n')
  return dir
}

/** Objects of the direct runs carry no deck label: remove them by their names' prefix. */
async function removeByPrefix(prefix: string): Promise<void> {
  for (const c of await docker.listContainers({ all: true, filters: { name: [prefix] } }))
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {})
  for (const n of await docker.listNetworks({ filters: { name: [prefix] } }))
    await docker.getNetwork(n.Id).remove().catch(() => {})
  for (const v of (await docker.listVolumes({ filters: { name: [prefix] } })).Volumes ?? [])
    await docker.getVolume(v.Name).remove().catch(() => {})
  for (const image of await docker.listImages()) {
    for (const tag of image.RepoTags ?? []) {
      if (tag.startsWith(prefix))
        await docker.getImage(tag).remove({ force: true }).catch(() => {})
    }
  }
}

const suffixes: string[] = []
let buildkit: string | undefined

beforeAll(async () => {
  await requireEngine()
  // CLI v28 has no buildx here: the classic builder, for both sides alike.
  buildkit = process.env.DOCKER_BUILDKIT
  process.env.DOCKER_BUILDKIT = '0'
})

afterAll(async () => {
  if (buildkit === undefined)
    delete process.env.DOCKER_BUILDKIT
  else
    process.env.DOCKER_BUILDKIT = buildkit
  for (const sfx of suffixes)
    await removeByPrefix(`fid-${sfx}`)
  await removeTestObjects()
})

for (const cli of clis()) {
  describe(`through the server and straight to the engine, the same output (${cli})`, () => {
    const sfx = Math.random().toString(36).slice(2, 8)
    suffixes.push(sfx)
    const deck = parseDeck(fs.readFileSync(FIXTURE, 'utf8').replaceAll('@SFX@', sfx), 'fidelity.md')
    let engine: DemoEngine

    beforeAll(async () => {
      if (deck.problems.length > 0)
        throw new Error(deck.problems.map(p => `${p.loc.line}: ${p.message}`).join('\n'))
      engine = await createDockerEngine({ offline: true, cli })
    })

    afterAll(async () => {
      await engine?.close()
    })

    it('has 40 and more command lines across the docker commands', () => {
      const lines = deck.demos.flatMap(d => d.steps.map(s => s.command))
      expect(lines.length).toBeGreaterThanOrEqual(40)
      const subcommands = new Set(lines.map(l => l.split(' ').slice(1, 3).join(' ')))
      for (const used of ['run', 'ps -a', 'inspect -f', 'logs', 'exec', 'network create', 'volume create', 'images', 'build --no-cache', 'cp', 'tag', 'rmi', 'top', 'port', 'commit', 'save -o', 'load -i', 'create', 'start', 'pause', 'unpause', 'wait', 'system df', 'container prune', 'network prune', 'volume prune', 'image prune'])
        expect([...subcommands].some(s => s.startsWith(used)), used).toBe(true)
    })

    for (const demo of deck.demos) {
      it(`${demo.id}: every line prints what it prints at home, with the same exit code`, async () => {
        const deckId = `${TEST_DECK_PREFIX}fid-${sfx}`
        const ours = workdirWithDockerfile()
        const theirs = workdirWithDockerfile()
        const session = { variables: new Map<string, string>(), anonymousContainers: new Map<string, string>() }
        const served: Array<{ exitCode: number, output: string }> = []
        try {
          for (const step of demo.steps) {
            const io = new RecordingIO()
            const result = await engine.runStep(step, plainRunContext({ deckId, demoId: demo.id, session, workdir: ours, cols: COLS, rows: ROWS }), io)
            served.push({ exitCode: result.exitCode, output: io.text })
          }
          await engine.reset({ deckId })
          for (const [index, step] of demo.steps.entries()) {
            const direct = await runDirect(cli, argvOf(step, theirs), theirs)
            const where = `${step.loc.file}:${step.loc.line} ${step.command}`
            expect(normalize(step.command, served[index].output, ours), where).toBe(normalize(step.command, direct.output, theirs))
            expect(served[index].exitCode, where).toBe(direct.exitCode)
            expect(direct.exitCode === 0, `${where}: the deck says ${step.options.expectFail ? 'it fails' : 'it works'}`).toBe(!step.options.expectFail)
          }
        }
        finally {
          await engine.reset({ deckId })
          await removeByPrefix(`fid-${sfx}`)
          fs.rmSync(ours, { recursive: true, force: true })
          fs.rmSync(theirs, { recursive: true, force: true })
        }
      }, 300_000)
    }
  })
}
