/**
 * The deck check against the real docker CLIs on this machine: Debian's docker.io 20.10 at
 * /usr/bin/docker and, where present, a newer one at /usr/local/bin/docker. Their flags are read
 * from their help pages into a cache of the test's own.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkDeck } from '../../demo-server/deck/check'
import { loadDeckWithClis } from '../../demo-server/deck/load-checked'
import { formatProblem } from '../../demo-server/deck/model'
import { readShellFacts } from '../../demo-server/shell/facts'
import type { RunCli } from '../../demo-server/docker-cli/cli-flags/discover'
import { runCli } from '../../demo-server/docker-cli/cli-flags/discover'

const CANDIDATES = ['/usr/bin/docker', '/usr/local/bin/docker']
const CLIS = CANDIDATES.filter(file => existsSync(file))
const DECKS = 'test/fixtures/decks'
const EXPECT = /<!-- expect-problem: (\d+): (.*?) -->/g

let cacheDir: string
beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'docker-demo-cli-cache-'))
})
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true })
})

async function check(deckFile: string, cli: string, run?: RunCli) {
  const { deck, clis } = await loadDeckWithClis(deckFile, { cacheDir, run, env: { ...process.env, DOCKER_DEMO_CLI: cli } })
  return checkDeck(deck, clis, await readShellFacts())
}

describe('the machine has a docker CLI to check against', () => {
  it('at /usr/bin/docker or /usr/local/bin/docker', () => {
    expect(CLIS, 'no docker CLI: install one, e.g. `apt-get install -y --no-install-recommends docker.io` (Debian)').not.toEqual([])
  })
})

describe.each(CLIS)('the deck check against %s', (cli) => {
  it('accepts a deck of many subcommands and flags', async () => {
    expect((await check(`${DECKS}/cli-commands.md`, cli)).map(formatProblem)).toEqual([])
  })

  it('accepts the workshop\'s own deck', async () => {
    expect((await check('slides.md', cli)).map(formatProblem)).toEqual([])
  })

  it('reports every planted problem, several on a line', async () => {
    const file = `${DECKS}/broken-flags.md`
    const source = await readFile(file, 'utf8')
    const expected = [...source.matchAll(EXPECT)].map(([, line, text]) => ({ line, text }))
    const problems = (await check(file, cli)).map(formatProblem)
    expect(problems).toHaveLength(expected.length)
    expected.forEach(({ line, text }, index) => {
      expect(problems[index]).toMatch(new RegExp(`^${file}:${line}:\\d+: `))
      expect(problems[index]).toContain(text)
    })
    expect(problems.filter(p => p.startsWith(`${file}:10:`))).toHaveLength(3)
  })

  it('asks the CLI only for its version and command list once its pages are cached', async () => {
    await check(`${DECKS}/cli-commands.md`, cli)
    const calls: string[] = []
    const counting: RunCli = (file, args) => {
      calls.push(args.join(' '))
      return runCli(file, args)
    }
    await check(`${DECKS}/cli-commands.md`, cli, counting)
    expect(calls.sort()).toEqual(['--help', '--version'])
  })

  it('reads the pages again for another version', async () => {
    const before = (await readdir(cacheDir)).length
    const calls: string[] = []
    const newer: RunCli = async (file, args) => {
      calls.push(args.join(' '))
      const out = await runCli(file, args)
      return args[0] === '--version' ? 'Docker version 99.0.0-test, build 0\n' : out
    }
    await check(`${DECKS}/minimal.md`, cli, newer)
    expect(calls.filter(call => call.endsWith(' --help')).length).toBeGreaterThan(0)
    expect((await readdir(cacheDir)).length).toBe(before + 1)
    expect((await readdir(cacheDir)).filter(name => name.startsWith('docker-flags-99.0.0-test-')).length).toBeGreaterThan(0)
    expect((await readdir(cacheDir)).filter(name => name.endsWith('.tmp'))).toEqual([])
  })
})

describe('npm run check', () => {
  const run = promisify(execFile)
  const checkCommand = (args: string[], env: NodeJS.ProcessEnv) =>
    run(process.execPath, ['--import', 'tsx', 'demo-server/cli/check.ts', ...args], { env: { ...process.env, XDG_CACHE_HOME: cacheDir, ...env } })
      .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
      .catch((error: { code: number, stdout: string, stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }))

  it.each(CLIS)('prints file:LINE: message for each problem with DOCKER_DEMO_CLI=%s, and exits 1', async (cli) => {
    const result = await checkCommand([`${DECKS}/broken-flags.md`], { DOCKER_DEMO_CLI: cli })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`checking against docker `)
    expect(result.stdout).toContain(`(${cli})`)
    expect(result.stderr).toContain(`${DECKS}/broken-flags.md:10:1: unknown flag "-Z" for "docker run"`)
    expect(result.stderr).toContain(`${DECKS}/broken-flags.md:15:1: "docker compose" needs the compose plugin`)
  })

  it('checks docker-compose lines against compose v1 on PATH, and names what to install without it', async () => {
    const found = await checkCommand([`${DECKS}/compose.md`], {})
    expect(found.stderr).toBe('')
    expect(found.stdout).toMatch(/checking against docker \S+ \(.*\) and docker-compose 1\.\d+\.\d+ \(.*docker-compose\)/)
    expect(found.code).toBe(0)
    const docker = path.join(cacheDir, 'only-docker')
    await mkdir(docker, { recursive: true })
    await symlink(CLIS[0], path.join(docker, 'docker'))
    const missing = await checkCommand([`${DECKS}/compose.md`], { PATH: docker, DOCKER_DEMO_CLI: '' })
    expect(missing.code).toBe(1)
    const lines = missing.stderr.split('\n').filter(line => line.includes('this line runs docker-compose, and there is none'))
    expect(lines.length).toBe(6)
    expect(lines[0]).toMatch(/^test\/fixtures\/decks\/compose\.md:23:1: .*apt-get install docker-compose/)
  })

  it('names what to install when there is no docker CLI', async () => {
    const result = await checkCommand([`${DECKS}/minimal.md`], { PATH: path.join(cacheDir, 'empty'), DOCKER_DEMO_CLI: '' })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^check: no "docker" on PATH .*install the docker CLI .*docker\.io/)
  })
})
