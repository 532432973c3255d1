/**
 * Shared by the engine tests: a real engine (or a failure naming the command that starts one),
 * steps from an inline deck through the real parser, a recording StepIO, and label cleanup.
 */
import { demoSource } from '../support/inline-deck'
import type { LabelFilter } from '../support/remove-labelled'
import { removeLabelled } from '../support/remove-labelled'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Docker from 'dockerode'
import type { Step } from '../../demo-server/deck/model'
import type { DemoEngine, StepIO, StepResult, StepRunContext } from '../../demo-server/engine/types'
import { parseDeck } from '../../demo-server/deck/parse'
import { createDockerEngine } from '../../demo-server/engine/index'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import { afterAll, beforeAll } from 'vitest'
import { plainRunContext } from './run-context'

/** Tests label their decks with this prefix; cleanup never looks beyond it. */
export const TEST_DECK_PREFIX = 'engine-test-'
/** Decoys (objects the deck must not touch) carry this label instead, with this run's value:
 *  cleanup removes only what this test process made (another checkout's tests may share the
 *  engine). */
export const DECOY_LABEL = 'org.docker-demo.test-decoy'
export const DECOY_VALUE = `run-${randomUUID().slice(0, 8)}`
/** The decks this test process made. */
const ourDecks = new Set<string>()

export const docker = new Docker({ socketPath: '/var/run/docker.sock' })

export async function requireEngine(): Promise<DemoEngine> {
  const engine = await createDockerEngine({ offline: true })
  const status = await engine.status()
  if (!status.available)
    throw new Error(`The engine tests need a Docker engine: ${status.message}\nStart one with: bash test/setup/dockerd.sh (then bash test/images/build-standins.sh)`)
  const present = await docker.getImage('alpine:latest').inspect().then(() => true, () => false)
  if (!present)
    throw new Error('The engine tests need the stand-in image alpine:latest: bash test/images/build-standins.sh')
  return engine
}

/** For one test file: the real engine, and removal of whatever the file's demos left behind. */
export function engineForThisFile(): { engine: DemoEngine } {
  const env = {} as { engine: DemoEngine }
  beforeAll(async () => {
    env.engine = await requireEngine()
  })
  afterAll(async () => {
    await removeTestObjects()
  })
  return env
}

export class RecordingIO implements StepIO {
  text = ''
  private inputs = new Set<(data: string) => void>()
  private resizes = new Set<(cols: number, rows: number) => void>()
  write = (data: string) => {
    this.text += data
    // Answer "where is the cursor?" as a terminal (xterm.js in the deck) does; busybox's line
    // editor asks after each prompt and eats the next keys while it waits for the answer.
    if (data.includes('\x1b[6n'))
      queueMicrotask(() => this.type('\x1b[1;5R'))
  }
  onInput = (listener: (data: string) => void) => { this.inputs.add(listener); return () => this.inputs.delete(listener) }
  onResize = (listener: (cols: number, rows: number) => void) => { this.resizes.add(listener); return () => this.resizes.delete(listener) }
  type(data: string): void { for (const l of this.inputs) l(data) }
  /** Text with terminal line ends made plain. */
  get plain(): string { return this.text.replace(/\r\n/g, '\n') }
}

/** One demo of an inline deck, with the state its steps share. */
export class TestDemo {
  readonly deckId = `${TEST_DECK_PREFIX}${randomUUID().slice(0, 8)}`
  readonly workdir: string
  readonly steps: Step[]

  constructor(readonly engine: DemoEngine, fence: string, readonly demoId = 'demo', options: { allowProblems?: boolean } = {}) {
    ourDecks.add(this.deckId)
    const deck = parseDeck(demoSource([fence.trim()], demoId), 'inline.md')
    if (deck.problems.length > 0 && !options.allowProblems)
      throw new Error(deck.problems.map(p => `${p.loc.line}: ${p.message}`).join('\n'))
    this.steps = deck.demos[0].steps
    this.workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-test-'))
  }

  context(overrides: Partial<StepRunContext> = {}): StepRunContext {
    return plainRunContext({ deckId: this.deckId, demoId: this.demoId, workdir: this.workdir, ...overrides })
  }

  /** Runs step `index` (1-based) and returns its result and output: `shown` is all the slide
   *  shows (the shell's prompt and echo first), `output` what the line printed after its echo. */
  async run(index: number, overrides: Partial<StepRunContext> = {}, io = new RecordingIO()): Promise<StepResult & { output: string, shown: string, io: RecordingIO }> {
    const step = this.steps[index - 1]
    if (!step)
      throw new Error(`no step ${index}`)
    const result = await this.engine.runStep(step, this.context(overrides), io)
    return { ...result, output: afterEcho(io.plain, step.command), shown: io.plain, io }
  }

  /** Runs steps from..until in order, failing on the first non-zero exit. */
  async runAll(until = this.steps.length, from = 1): Promise<string[]> {
    const outputs: string[] = []
    for (let i = from; i <= until; i++) {
      const result = await this.run(i)
      outputs.push(result.output)
      if (result.exitCode !== 0)
        throw new Error(`step ${i} (${this.steps[i - 1].command}) exited ${result.exitCode}:\n${result.output}`)
    }
    return outputs
  }

  async cleanup(): Promise<void> {
    await this.engine.reset({ deckId: this.deckId })
    fs.rmSync(this.workdir, { recursive: true, force: true })
  }

  /** `await using demo = new TestDemo(...)`: cleaned up however the test ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.cleanup()
  }
}

/** What a step printed after the echo of its command (one echoed line per line of it). */
export function afterEcho(shown: string, command: string): string {
  let at = -1
  for (let lines = command.split('\n').length; lines > 0; lines--) {
    at = shown.indexOf('\n', at + 1)
    if (at === -1)
      return ''
  }
  return shown.slice(at + 1)
}

/** Removes whatever this process's engine tests left behind (their decks and decoys only). */
export async function removeTestObjects(): Promise<void> {
  const mine: LabelFilter = labels =>
    !!labels && (ourDecks.has(labels[DECK_LABEL] ?? '') || labels[DECOY_LABEL] === DECOY_VALUE)
  await removeLabelled(docker, mine)
}
