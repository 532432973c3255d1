/**
 * A rehearsal: every chosen demo of a deck run on the engine in deck order, from a clean reset,
 * through the demo server exactly as the slides run them (an in-process standalone server, the
 * WebSocket, the token: demo-server/cli/demo.ts does the same), each demo's runs recorded into
 * its `.cast`. The CLI (demo-server/cli/rehearse.ts) only draws progress and the summary.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import Docker from 'dockerode'
import { loadDeck } from '../deck/load.ts'
import type { Demo } from '../deck/model.ts'
import { defaultDiscoveryEnv, modemOptions, resolveEndpoint } from '../engine/endpoint.ts'
import { DECK_LABEL } from '../engine/labels.ts'
import type { AsciicastOutputEvent, EngineStatus, RunOutcome, RunStartedMessage, ServerMessage } from '../protocol.ts'
import { NodeDemoClient } from '../server/client.ts'
import { deckIdOf } from '../server/demo-server.ts'
import { ACCEPTABLE_OUTCOMES } from '../server/run-manager.ts'
import { startStandaloneServer } from '../server/standalone.ts'
import { parseRecording, serializeRecording } from './cast-file.ts'
import type { RecordingChange } from './compare.ts'
import { compareRecordings } from './compare.ts'
import type { CollectedRun } from './from-runs.ts'
import { recordingFromRuns } from './from-runs.ts'
import { imagesUsedBy } from './images.ts'
import { writeFileAtomically } from '../atomic-file.ts'
import { readRecording, recordingPath } from './store.ts'

/** The label test/images/build-standins.sh puts on every offline stand-in image (the "label"
 *  of test/images/standins.json). */
export const STANDIN_LABEL = 'org.docker-demo.standin'

export interface RehearseOptions {
  deckFile: string
  /** Only these demos (deck order is kept). */
  only?: string[]
  /** Start at this demo and go on to the end of the deck. */
  from?: string
  /** Never pull; `online` steps are skipped. Ignored with `server`: that server's setting holds. */
  offline: boolean
  dockerHost?: string
  /** Rehearse on a server that is running already (e.g. the one `npm start` serves) instead of
   *  one started here. `deckFile` must be the deck it serves. */
  server?: { url: string, token: string }
  onProgress?: (event: ProgressEvent) => void
  /** Server log lines (engine status); quiet by default. */
  log?: (line: string) => void
}

export type ProgressEvent =
  /** `withoutSteps`: demos that were asked for but have nothing to run (npm run check says why). */
  | { type: 'start', demos: Demo[], totalSteps: number, withoutSteps: string[] }
  | { type: 'demo-start', demo: Demo, position: number }
  /** `dependency`: a step of a demo the current one `uses`, run first by the server. */
  | { type: 'step-end', demoId: string, step: number, steps: number, outcome: RunOutcome, dependency: boolean }
  | { type: 'demo-end', result: DemoResult }

export type RecordingOutcome = RecordingChange['kind'] | 'not-written'

export interface DemoResult {
  demo: Demo
  /** Green: every step ended ok, as an expected failure, or skipped. */
  green: boolean
  runs: CollectedRun[]
  /** Steps never reached because an earlier one (or a dependency) went wrong. */
  notRun: number
  /** Steps skipped because they need the internet and the rehearsal is offline. */
  skippedOnline: number
  skippedShownOnly: number
  /** Why it is red, with the deck line: "slides.md:42: step 3: failed (exit 1): ...". */
  problem?: string
  seconds: number
  /** Containers this deck did not create that were on the engine when the demo started or
   *  ended (another deck, a test run): `docker ps` and `docker info` output may show them. */
  foreign: string[]
  file: string
  recording: RecordingOutcome
  changedSteps?: number[]
}

export interface RehearsalReport {
  deckFile: string
  offline: boolean
  engine: EngineStatus
  results: DemoResult[]
  seconds: number
}

export class RehearsalError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RehearsalError'
  }
}

/** The demos to rehearse, in deck order. Throws RehearsalError naming the deck's demos when an
 *  id is unknown. Pure. */
export function chooseDemos(demos: readonly Demo[], deckFile: string, only: readonly string[] = [], from?: string): Demo[] {
  const known = new Set(demos.map(d => d.id))
  for (const id of [...only, ...(from === undefined ? [] : [from])]) {
    if (!known.has(id))
      throw new RehearsalError(`There is no demo "${id}" in ${deckFile}; its demos are: ${[...known].join(', ') || '(none)'}.`)
  }
  let chosen = [...demos]
  if (from !== undefined)
    chosen = chosen.slice(chosen.findIndex(d => d.id === from))
  if (only.length > 0)
    chosen = chosen.filter(d => only.includes(d.id))
  return chosen
}

export async function rehearse(options: RehearseOptions): Promise<RehearsalReport> {
  const began = performance.now()
  const progress = options.onProgress ?? (() => {})
  const deck = await loadDeck(options.deckFile)
  const asked = chooseDemos(deck.demos, deck.file, options.only, options.from)
  const demos = asked.filter(d => d.steps.length > 0)
  // A server started here is stopped here; one given is left running.
  await using started = options.server ? undefined : await startStandaloneServer({
    deckFile: options.deckFile,
    offline: options.offline,
    dockerHost: options.dockerHost,
    port: 0,
    host: '127.0.0.1',
    log: options.log ?? (() => {}),
  })
  const server = options.server ?? started!
  await using client = await NodeDemoClient.connect(server.url, { token: server.token })
  const engine = client.status.engine
  if (!engine.available)
    throw new RehearsalError(`Cannot rehearse: the Docker engine is unavailable (${engine.message ?? 'no reason given'}). Start it (here: bash test/setup/dockerd.sh) and try again.`)
  const docker = new Docker(modemOptions(resolveEndpoint(options.dockerHost, defaultDiscoveryEnv()).endpoint) as Docker.DockerOptions)
  const dockerCli = await dockerCliVersion()
  // As the server derives it (demo-server/server/demo-server.ts): what this deck's demos create
  // carries it.
  const deckId = deckIdOf(path.resolve(options.deckFile))

  // Made with stand-ins when the deck's images here are stand-ins: a demo that names no image
  // (`docker ps`, `network inspect`) still shows containers of images an earlier demo ran.
  const deckOnStandins = (await resolveImages(docker, imagesUsedBy(deck.demos.flatMap(d => d.steps)))).standins

  const withoutSteps = asked.filter(d => d.steps.length === 0).map(d => d.id)
  progress({ type: 'start', demos, totalSteps: demos.reduce((n, d) => n + d.steps.length, 0), withoutSteps })
  await resetDeck(client)
  const results: DemoResult[] = []
  try {
    for (const [position, demo] of demos.entries()) {
      progress({ type: 'demo-start', demo, position })
      const demoBegan = performance.now()
      const foreignBefore = await foreignContainers(docker, deckId)
      const outcome = await runDemo(client, demo, progress)
      const seconds = (performance.now() - demoBegan) / 1000
      const foreign = [...new Set([...foreignBefore, ...await foreignContainers(docker, deckId)])].sort()
      const result = await judgeAndRecord(demo, outcome, seconds, foreign, {
        deckFile: options.deckFile,
        engine,
        dockerCli,
        docker,
        deckOnStandins,
      })
      results.push(result)
      progress({ type: 'demo-end', result })
    }
  }
  finally {
    // Leave the engine as the rehearsal found it: no demo containers running after it.
    await resetDeck(client).catch(() => {})
  }
  return { deckFile: deck.file, offline: client.status.offline, engine, results, seconds: (performance.now() - began) / 1000 }
}

async function resetDeck(client: NodeDemoClient): Promise<void> {
  const answer = client.next(m => (m.type === 'reset-done' && m.demoId === undefined) || (m.type === 'error' && m.request === 'reset'), 120_000)
  client.control({ type: 'reset' })
  const message = await answer
  if (message.type === 'error')
    throw new RehearsalError(`The deck reset was refused: ${message.message}`)
}

interface DemoRun {
  /** This demo's runs, in order. */
  runs: CollectedRun[]
  /** The first run that did not end acceptably (this demo's or a dependency's). */
  failed?: { run: CollectedRun, dependency: boolean }
  /** The server refused to start the demo. */
  refused?: string
}

/** Runs a demo from its first step and collects what the server says about each run. */
function runDemo(client: NodeDemoClient, demo: Demo, progress: (event: ProgressEvent) => void): Promise<DemoRun> {
  const result: DemoRun = { runs: [] }
  const open = new Map<string, { started: RunStartedMessage, events: AsciicastOutputEvent[], at: number }>()
  return new Promise<DemoRun>((resolve, reject) => {
    const finish = () => {
      remove()
      resolve(result)
    }
    const remove = client.onMessage((message: ServerMessage) => {
      switch (message.type) {
        case 'run-started':
          open.set(message.runId, { started: message, events: [], at: performance.now() })
          break
        case 'output':
          open.get(message.runId)?.events.push(message.event)
          break
        case 'run-ended': {
          const run = open.get(message.runId)
          if (!run)
            break
          open.delete(message.runId)
          const collected: CollectedRun = { started: run.started, events: run.events, ended: message, seconds: (performance.now() - run.at) / 1000 }
          const dependency = message.demoId !== demo.id
          if (!dependency)
            result.runs.push(collected)
          progress({ type: 'step-end', demoId: message.demoId, step: message.step, steps: dependency ? 0 : demo.steps.length, outcome: message.outcome, dependency })
          if (!ACCEPTABLE_OUTCOMES.has(message.outcome)) {
            result.failed = { run: collected, dependency }
            finish()
          }
          else if (!dependency && message.step === demo.steps.length) {
            finish()
          }
          break
        }
        case 'error':
          if (message.request === 'run') {
            result.refused = message.message
            finish()
          }
      }
    })
    void client.closed.then(({ code }) => {
      remove()
      reject(new RehearsalError(`The demo server closed the connection (code ${code}) during demo "${demo.id}".`))
    })
    client.control({ type: 'run', demoId: demo.id })
  })
}

interface RecordContext {
  deckFile: string
  engine: EngineStatus
  dockerCli: string | undefined
  docker: Docker
  deckOnStandins: boolean
}

async function judgeAndRecord(demo: Demo, run: DemoRun, seconds: number, foreign: string[], context: RecordContext): Promise<DemoResult> {
  const file = recordingPath(context.deckFile, demo.id)
  const count = (predicate: (r: CollectedRun) => boolean) => run.runs.filter(predicate).length
  const stepOf = (index: number) => demo.steps.find(s => s.index === index)
  const base = {
    demo,
    runs: run.runs,
    notRun: demo.steps.length - run.runs.length,
    skippedOnline: count(r => r.ended.outcome === 'skipped' && stepOf(r.started.step)?.options.online === true && stepOf(r.started.step)?.options.shownOnly === undefined),
    skippedShownOnly: count(r => r.ended.outcome === 'skipped' && stepOf(r.started.step)?.options.shownOnly !== undefined),
    seconds,
    foreign,
    file,
  }
  const problem = describeProblem(demo, run)
  if (problem !== undefined)
    return { ...base, green: false, problem, recording: 'not-written' }

  const images = await resolveImages(context.docker, imagesUsedBy(demo.steps))
  const recording = recordingFromRuns(run.runs, {
    deck: path.basename(context.deckFile),
    demoId: demo.id,
    title: demo.title,
    recordedAt: new Date(),
    env: { TERM: 'xterm-256color' },
    engine: { version: context.engine.version ?? 'unknown', apiVersion: context.engine.apiVersion ?? 'unknown' },
    ...(context.dockerCli !== undefined ? { dockerCli: context.dockerCli } : {}),
    images: images.ids,
    standins: images.standins || context.deckOnStandins,
  })
  const text = serializeRecording(recording)
  const previous = await readRecording(file, demo.id)
  const change = compareRecordings(previous?.ok ? previous.recording : undefined, parseRecording(text, file))
  // An unchanged recording is left as it is: a rehearsal that found nothing new leaves no diff.
  if (change.kind !== 'unchanged')
    await writeFileAtomically(file, text)
  return { ...base, green: true, recording: change.kind, ...(change.kind === 'changed' ? { changedSteps: change.steps } : {}) }
}

/** Why the demo is red, with the deck line of the step at fault; undefined when green. */
function describeProblem(demo: Demo, run: DemoRun): string | undefined {
  if (run.refused !== undefined)
    return `${demo.loc.file}:${demo.loc.line}: the server refused to run demo "${demo.id}": ${run.refused}`
  if (run.failed !== undefined) {
    const { ended, started } = run.failed.run
    const exit = ended.exitCode === null ? '' : ` (exit ${ended.exitCode})`
    const reason = ended.error ? `: ${ended.error.message}` : ''
    if (run.failed.dependency)
      return `${demo.loc.file}:${demo.loc.line}: demo "${demo.id}" uses "${ended.demoId}", whose step ${ended.step} (${started.prompt}${started.command}) ended ${ended.outcome}${exit}${reason}`
    const line = demo.steps.find(s => s.index === ended.step)?.loc.line ?? demo.loc.line
    return `${demo.loc.file}:${line}: step ${ended.step} (${started.prompt}${started.command}) ended ${ended.outcome}${exit}${reason}${outputTail(run.failed.run)}`
  }
  if (run.runs.length !== demo.steps.length)
    return `${demo.loc.file}:${demo.loc.line}: demo "${demo.id}" ran ${run.runs.length} of its ${demo.steps.length} steps`
  return undefined
}

/** The last lines the failed step printed (its command line aside), indented under the
 *  problem: a red demo's recording is not written, so this is where its output can be read. */
function outputTail(run: CollectedRun, lines = 6): string {
  const printed = run.events.slice(1).map(event => event[2]).join('').replaceAll('\r', '').split('\n').filter(line => line.trim() !== '')
  if (printed.length === 0)
    return '\n    (no output)'
  return printed.slice(-lines).map(line => `\n    | ${line}`).join('')
}

// ---------------------------------------------------------------------------------------------
// What the recording was made with

/** Image ids by reference (refs the engine does not have are left out), and whether any of
 *  them is an offline stand-in. */
async function resolveImages(docker: Docker, refs: string[]): Promise<{ ids: Record<string, string>, standins: boolean }> {
  const ids: Record<string, string> = {}
  let standins = false
  for (const ref of refs) {
    try {
      const info = await docker.getImage(ref).inspect()
      ids[ref] = info.Id
      standins ||= info.Config?.Labels?.[STANDIN_LABEL] === 'true'
    }
    catch {
      // Not on this engine (the image of an online step that was skipped): nothing to name.
    }
  }
  return { ids, standins }
}

/** Names of the containers on the engine that this deck did not create. */
async function foreignContainers(docker: Docker, deckId: string): Promise<string[]> {
  try {
    const containers = await docker.listContainers({ all: true })
    return containers.filter(c => c.Labels?.[DECK_LABEL] !== deckId).map(c => (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''))
  }
  catch {
    return [] // the engine went away: the demo's own result says so
  }
}

/** `docker version` of the CLI first on PATH, or undefined when there is none. */
function dockerCliVersion(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('docker', ['version', '--format', '{{.Client.Version}}'], { timeout: 10_000 }, (_error, stdout) => {
      // The client version is printed even when the server part fails.
      const version = String(stdout ?? '').trim().split('\n')[0]
      resolve(version === '' ? undefined : version)
    })
  })
}
