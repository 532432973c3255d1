/**
 * Shared by the proxy tests: the real engine, the real docker CLIs, a proxy per test file with a
 * deck id of its own, decoys (the presenter's own objects) and cleanup by label.
 */
import type { LabelFilter } from '../support/remove-labelled'
import { removeLabelled } from '../support/remove-labelled'
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import Docker from 'dockerode'
import { afterAll, beforeAll } from 'vitest'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import type { EngineProxy, EngineProxyOptions, ProxyScope } from '../../demo-server/proxy/index'
import { startEngineProxy } from '../../demo-server/proxy/index'

/** Proxy tests label their decks with this prefix; cleanup never looks beyond it. */
export const TEST_DECK_PREFIX = 'proxy-test-'
/** Decoys carry this label and no deck label: to the proxy they are the presenter's. Not the
 *  engine tests' decoy label, whose cleanup could otherwise remove ours mid-test. */
export const DECOY_LABEL = 'org.docker-demo.proxy-test-decoy'

export const ENGINE_SOCKET = '/var/run/docker.sock'
export const docker = new Docker({ socketPath: ENGINE_SOCKET })

/** The docker CLIs to test with: Debian's 20.10 and the machine image's newer one. */
const CLI_CANDIDATES = ['/usr/bin/docker', '/usr/local/bin/docker']
export const CLIS = CLI_CANDIDATES.filter(file => fs.existsSync(file))

export function requireCli(): void {
  if (CLIS.length === 0)
    throw new Error(`The proxy tests run the real docker CLI and found none of ${CLI_CANDIDATES.join(', ')}: install one with "apt-get install -y --no-install-recommends docker.io"`)
}

export async function requireEngine(): Promise<void> {
  requireCli()
  try {
    await docker.ping()
  }
  catch (error) {
    throw new Error(`The proxy tests need a Docker engine at ${ENGINE_SOCKET} (${(error as Error).message}). Start one with: bash test/setup/dockerd.sh`)
  }
  const present = await docker.getImage('alpine:latest').inspect().then(() => true, () => false)
  if (!present)
    throw new Error('The proxy tests need the stand-in image alpine:latest: bash test/images/build-standins.sh')
}

export function newScope(demoId = 'demo'): ProxyScope {
  return { deckId: `${TEST_DECK_PREFIX}${randomUUID().slice(0, 8)}`, demoId, runId: `run-${randomUUID().slice(0, 8)}` }
}

/** A suffix for names, so that parallel sessions on the same engine never collide. */
export const sfx = (): string => randomUUID().slice(0, 6)

/** For one test file: a proxy in front of the real engine, and removal of what it left. */
export function proxyForThisFile(options: Partial<EngineProxyOptions> = {}): { proxy: EngineProxy, scope: ProxyScope } {
  const env = {} as { proxy: EngineProxy, scope: ProxyScope }
  beforeAll(async () => {
    await requireEngine()
    env.scope = newScope()
    env.proxy = await startEngineProxy({ scope: env.scope, ...options })
  })
  afterAll(async () => {
    await env.proxy?.close()
    await removeTestObjects()
  })
  return env
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** The docker CLI `bin` with `args`, no shell, talking to `dockerHost` (the engine if undefined). */
export function runCli(bin: string, args: string[], dockerHost: string | undefined, options: { env?: Record<string, string>, cwd?: string, input?: string, keepStdinOpen?: boolean } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, DOCKER_BUILDKIT: '0', ...options.env }
  if (dockerHost)
    env.DOCKER_HOST = dockerHost
  else
    env.DOCKER_HOST = `unix://${ENGINE_SOCKET}`
  return new Promise((resolve) => {
    const child = execFile(bin, args, { env, cwd: options.cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
    if (options.input !== undefined)
      child.stdin?.end(options.input)
    else if (!options.keepStdinOpen)
      child.stdin?.end()
  })
}

/**
 * A command line in a pseudo-terminal (util-linux `script`), for `run -it` / `exec -it`. Its
 * stdin stays open: at end of input `script` types a NUL into the terminal, which echoes as
 * `^@` in the middle of the output.
 */
export function runInPty(bin: string, args: string[], dockerHost: string): Promise<CliResult> {
  const quoted = [bin, ...args].map(arg => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ')
  return runCli('script', ['-qec', quoted, '/dev/null'], dockerHost, { keepStdinOpen: true })
}

/** What a refusal looks like on the CLI's stderr. */
export const REFUSED = /Error response from daemon: docker-demo: /

/** A running container, a volume, a network and an image that the deck did not create. */
export interface Decoys { container: string, volume: string, network: string, image: string }

export async function createDecoys(prefix: string): Promise<Decoys> {
  const labels = { [DECOY_LABEL]: 'true' }
  const decoys = { container: `${prefix}-c`, volume: `${prefix}-vol`, network: `${prefix}-net`, image: `${prefix}-img:1` }
  const container = await docker.createContainer({ name: decoys.container, Image: 'alpine:latest', Cmd: ['sleep', '600'], Labels: labels, HostConfig: { NetworkMode: 'none' } })
  await container.start()
  await docker.createVolume({ Name: decoys.volume, Labels: labels })
  await docker.createNetwork({ Name: decoys.network, Labels: labels, CheckDuplicate: true })
  await docker.getImage('alpine:latest').tag({ repo: `${prefix}-img`, tag: '1' })
  return decoys
}

/** The decoys are all there, the container still running. */
export async function decoysIntact(decoys: Decoys): Promise<Record<string, boolean>> {
  return {
    container: await docker.getContainer(decoys.container).inspect().then(c => c.State.Running, () => false),
    volume: await docker.getVolume(decoys.volume).inspect().then(() => true, () => false),
    network: await docker.getNetwork(decoys.network).inspect().then(() => true, () => false),
    image: await docker.getImage(decoys.image).inspect().then(() => true, () => false),
  }
}

export async function removeDecoys(decoys: Decoys): Promise<void> {
  await docker.getContainer(decoys.container).remove({ force: true }).catch(() => {})
  await docker.getVolume(decoys.volume).remove().catch(() => {})
  await docker.getNetwork(decoys.network).remove().catch(() => {})
  await docker.getImage(decoys.image).remove().catch(() => {})
}

/** Removes whatever the proxy tests left behind (test decks and decoys only). */
export async function removeTestObjects(): Promise<void> {
  const mine: LabelFilter = labels =>
    !!labels && ((labels[DECK_LABEL]?.startsWith(TEST_DECK_PREFIX) ?? false) || DECOY_LABEL in labels)
  await removeLabelled(docker, mine, { imagesWithLabel: DECK_LABEL })
}

export async function labelsOfVolume(name: string): Promise<Record<string, string> | undefined> {
  const info = await docker.getVolume(name).inspect() as { Labels?: Record<string, string> | null }
  return info.Labels ?? undefined
}
