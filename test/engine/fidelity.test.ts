/**
 * Fidelity of the run path: every line of the fixture decks (test/engine/fixtures/fidelity.md,
 * docker's commands; shell-lines.md, everyday shell lines) is typed into the demo's shell by the
 * demo server's engine (docker talking through the proxy), and then, in a fresh directory, run by
 * a plain bash with DOCKER_HOST straight at the engine, in a terminal of the same size. Output and
 * exit code must be the same, apart from ids, times, addresses and column widths. For Debian's
 * CLI 20.10 (/usr/bin/docker) and the first `docker` on PATH when that is another one.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseDeck } from '../../demo-server/deck/parse'
import { createDockerEngine } from '../../demo-server/engine/index'
import type { DemoEngine } from '../../demo-server/engine/types'
import { runInPlainBash } from '../support/plain-bash'
import { afterEcho, docker, RecordingIO, removeTestObjects, requireEngine, TEST_DECK_PREFIX } from './harness'
import { plainRunContext } from './run-context'

const DEBIAN_CLI = '/usr/bin/docker'
const FIXTURES = [path.join(import.meta.dirname, 'fixtures/fidelity.md'), path.join(import.meta.dirname, '../fixtures/decks/shell-lines.md')]
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
  // Known differences, the ones left: the proxy labels a build through its `labels` parameter
  // (proxy/rewrite.ts, labelBuildQuery). The build's output hides those steps
  // (proxy/build-output.ts), but `docker history` shows one layer each, and `docker rmi` deletes
  // them: those are cut (repeated "Deleted:" lines count as one).
  if (/^docker rmi\b/.test(command))
    out = out.replace(/(Deleted: <digest>\n)+/g, 'Deleted: <digest>\n')
  if (/^docker history\b/.test(command))
    out = out.replace(/^.*LABEL org\.docker-demo\..*\n/gm, '')
  return out.replace(/ {2,}/g, '  ').replace(/[ \t]+$/gm, '')
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

/** A port on loopback that nothing listens on now, for the decks' published ports. */
function freePort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000)
}

for (const cli of clis()) {
  describe(`through the demo's shell and in a plain bash straight to the engine, the same output (${cli})`, () => {
    const sfx = Math.random().toString(36).slice(2, 8)
    suffixes.push(sfx)
    // The shell's lines once, with the CLI on PATH; docker's commands with each CLI.
    const files = cli === clis().at(-1) ? FIXTURES : FIXTURES.slice(0, 1)
    const decks = files.map(file => parseDeck(fs.readFileSync(file, 'utf8').replaceAll('@SFX@', sfx).replaceAll('@PORT@', String(freePort())), path.basename(file)))
    let engine: DemoEngine

    beforeAll(async () => {
      const problems = decks.flatMap(deck => deck.problems.map(p => `${deck.file}:${p.loc.line}: ${p.message}`))
      if (problems.length > 0)
        throw new Error(problems.join('\n'))
      engine = await createDockerEngine({ offline: true, cli })
    })

    afterAll(async () => {
      await engine?.close()
    })

    it('has 40 and more docker command lines across the docker commands', () => {
      const lines = decks[0].demos.flatMap(d => d.steps.map(s => s.command))
      expect(lines.length).toBeGreaterThanOrEqual(40)
      const subcommands = new Set(lines.map(l => l.split(' ').slice(1, 3).join(' ')))
      for (const used of ['run', 'ps -a', 'inspect -f', 'logs', 'exec', 'network create', 'volume create', 'images', 'build --no-cache', 'cp', 'tag', 'rmi', 'top', 'port', 'commit', 'save -o', 'load -i', 'create', 'start', 'pause', 'unpause', 'wait', 'system df', 'container prune', 'network prune', 'volume prune', 'image prune'])
        expect([...subcommands].some(s => s.startsWith(used)), used).toBe(true)
    })

    it.runIf(files.length > 1)('has 40 and more everyday shell lines: pipes, lists, loops, substitution, redirections, stdin, curl, cd and export', () => {
      const lines = decks[1].demos.flatMap(d => d.steps.filter(s => s.target.kind === 'shell').map(s => s.command))
      expect(lines.length).toBeGreaterThanOrEqual(40)
      for (const idiom of [/ \| /, / && /, / \|\| /, /^for .* do/m, /\$\(/, / > /, / < /, /<<-?'?EOF/, /\bcurl\b/, /^cd /m, /^export /m, /\bxargs docker\b/, /docker build .* - /])
        expect(lines.some(line => idiom.test(line)), String(idiom)).toBe(true)
    })

    for (const deck of decks) {
      for (const demo of deck.demos) {
        it(`${deck.file} ${demo.id}: every line prints what it prints in bash at home, with the same exit code`, async () => {
          const deckId = `${TEST_DECK_PREFIX}fid-${sfx}`
          const ours = workdirWithDockerfile()
          const theirs = workdirWithDockerfile()
          const served: Array<{ exitCode: number, output: string }> = []
          try {
            for (const step of demo.steps) {
              const io = new RecordingIO()
              const result = await engine.runStep(step, plainRunContext({ deckId, demoId: demo.id, workdir: ours, cols: COLS, rows: ROWS }), io)
              served.push({ exitCode: result.exitCode, output: afterEcho(io.text, step.command) })
              expect(io.text, 'no shell mark reaches the slide').not.toMatch(/\x1B\]133;/)
            }
            await engine.reset({ deckId })
            // A terminal session is typed into by the server alone: such a demo is run, not compared.
            const compared = demo.steps.some(step => step.opensTerminal) ? [] : demo.steps
            const direct = await runInPlainBash(compared.map(step => step.command), { cwd: theirs, dockerHost: ENGINE_SOCKET, cli, cols: COLS, rows: ROWS })
            for (const [index, step] of compared.entries()) {
              const where = `${step.loc.file}:${step.loc.line} ${step.command}`
              const ourRun = served[step.index - 1]
              expect(direct[index], `${where}: the plain bash did not get this far`).toBeDefined()
              expect(normalize(step.command, ourRun.output, ours), where).toBe(normalize(step.command, direct[index].output, theirs))
              expect(ourRun.exitCode, where).toBe(direct[index].exitCode)
              expect(direct[index].exitCode === 0, `${where}: the deck says ${step.options.expectFail ? 'it fails' : 'it works'}`).toBe(!step.options.expectFail)
            }
            for (const step of demo.steps.filter(s => !compared.includes(s)))
              expect(served[step.index - 1].exitCode === 0, `${step.loc.file}:${step.loc.line} ${step.command}: ${served[step.index - 1].output}`).toBe(!step.options.expectFail)
          }
          finally {
            await engine.reset({ deckId })
            await removeByPrefix(`fid-${sfx}`)
            fs.rmSync(ours, { recursive: true, force: true })
            fs.rmSync(theirs, { recursive: true, force: true })
          }
        }, 300_000)
      }
    }
  })
}
