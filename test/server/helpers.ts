/** Shared set-up for the demo server tests: a fixture deck copied to a directory of its own
 *  (its own deckId, so test files running in parallel never touch each other's containers), a
 *  standalone server on port 0, and clients that speak as a slide does. */
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll } from 'vitest'
import type { DemoEngine } from '../../demo-server/engine/types'
import type { OutputMessage, RunEndedMessage, RunStartedMessage, ServerMessage } from '../../demo-server/protocol'
import { NodeDemoClient } from '../../demo-server/server/client'
import type { StandaloneOptions, StandaloneServer } from '../../demo-server/server/standalone'
import { deckIdOf, workdirOf } from '../../demo-server/server/demo-server'
import { startStandaloneServer } from '../../demo-server/server/standalone'
import { createDockerEngine } from '../../demo-server/engine/index'
import { DECK_LABEL } from '../../demo-server/engine/labels'

export const FIXTURES = path.join(import.meta.dirname, 'fixtures')

export interface Sandbox {
  dir: string
  deck: string
  [Symbol.asyncDispose]: () => Promise<void>
}

export async function sandbox(fixture = 'demos.md'): Promise<Sandbox> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'docker-demo-test-'))
  const deck = path.join(dir, fixture)
  await copyFile(path.join(FIXTURES, fixture), deck)
  return {
    dir,
    deck,
    [Symbol.asyncDispose]: async () => {
      await rm(dir, { recursive: true, force: true })
      await rm(workdirOf(deckIdOf(deck)), { recursive: true, force: true }) // the server's $(pwd)
    },
  }
}

const ENGINE_DOWN = 'The Docker engine does not answer: start it with `bash test/setup/dockerd.sh` (and build the stand-in images with `bash test/images/build-standins.sh`), then run the tests again.'

/** The real engine, or a failure that says how to start it. */
export async function realEngine(): Promise<DemoEngine> {
  const engine = await createDockerEngine({ offline: true })
  const status = await engine.status()
  if (!status.available) {
    await engine.close()
    throw new Error(`${ENGINE_DOWN} (${status.message ?? 'no reason given'})`)
  }
  await removeStaleFixtureContainers()
  return engine
}

/** Names the fixture decks give containers. Container names are global, not per deck: one
 *  left behind by an interrupted run (another sandbox, so another deckId) would make the next
 *  run's step fail with NAME_CONFLICT. Only demo-made containers (deck label) are removed. */
const FIXTURE_CONTAINER_NAMES = ['sleeper-c', 'slow-c', 'capture-c', 'shell-box']

async function removeStaleFixtureContainers(): Promise<void> {
  const docker = new Docker()
  const stale = await docker.listContainers({ all: true, filters: { label: [DECK_LABEL], name: FIXTURE_CONTAINER_NAMES.map(name => `^/${name}$`) } })
  await Promise.all(stale.map(info => docker.getContainer(info.Id).remove({ force: true }).catch(() => {})))
}

export interface FixtureServer {
  box: Sandbox
  engine: DemoEngine
  server: StandaloneServer
}

/** For one test file: the real engine and a standalone server on a sandboxed copy of a fixture
 *  deck, removed with everything the deck made once the file is done. */
export function fixtureServerPerFile(fixture?: string): FixtureServer {
  const env = {} as FixtureServer
  beforeAll(async () => {
    env.engine = await realEngine()
    env.box = await sandbox(fixture)
    env.server = await start(env.box.deck, { engine: env.engine })
  }, 30_000)
  afterAll(async () => {
    await env.server?.close()
    if (env.server)
      await env.engine?.reset({ deckId: env.server.demo.deckId }).catch(() => {})
    await env.engine?.close()
    await env.box?.[Symbol.asyncDispose]()
  })
  return env
}

export async function start(deck: string, options: Partial<StandaloneOptions> = {}): Promise<StandaloneServer> {
  return startStandaloneServer({ deckFile: deck, offline: true, port: 0, log: () => {}, ...options })
}

export function connect(server: StandaloneServer, withToken = true): Promise<NodeDemoClient> {
  return NodeDemoClient.connect(server.url, withToken ? { token: server.token } : {})
}

/** Everything one client receives, in order. */
export function record(client: NodeDemoClient): ServerMessage[] {
  const messages: ServerMessage[] = []
  client.onMessage(message => messages.push(message))
  return messages
}

export function isEnded(demoId: string, step?: number) {
  return (m: ServerMessage): m is RunEndedMessage => m.type === 'run-ended' && m.demoId === demoId && (step === undefined || m.step === step)
}

export function isStarted(demoId: string, step?: number) {
  return (m: ServerMessage): m is RunStartedMessage => m.type === 'run-started' && m.demoId === demoId && (step === undefined || m.step === step)
}

/** The terminal bytes of one run, as received. */
export function outputOf(messages: ServerMessage[], runId: string): string {
  return messages
    .filter((m): m is OutputMessage => m.type === 'output' && m.runId === runId)
    .map(m => m.event[2])
    .join('')
}

/** Containers labelled with this deck, as the engine sees them (running or not). */
export async function deckContainers(deckId: string): Promise<Docker.ContainerInfo[]> {
  const docker = new Docker()
  return docker.listContainers({ all: true, filters: { label: [`${DECK_LABEL}=${deckId}`] } })
}

export async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value)
      return value
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
