/**
 * The single authority for runs: which step of which demo runs now, what it printed, how it
 * ended. No sockets here: the socket layer (socket.ts) feeds requests in and routes the events
 * this emits to the windows that watch a demo.
 *
 * A run is one execution of one step. A sequence is what one `run` request starts: the steps
 * of the `uses` dependencies that have not completed yet, then the requested step (or every
 * step of the demo), stopping at the first unexpected failure.
 */
import { randomUUID } from 'node:crypto'
import type { Deck, Demo, Step } from '../deck/model.ts'
import type { DemoEngine } from '../engine/types.ts'
import type {
  NotRemoved,
  OutputMessage,
  ResetDoneMessage,
  ResetReport,
  RunEndedMessage,
  RunOutcome,
  RunStartedMessage,
  SnapshotMessage,
} from '../protocol.ts'
import { DemoError, SLIDE_TERMINAL, toErrorPayload } from '../protocol.ts'
import type { HistoryLimits, RunRecorder } from './history.ts'
import { DEFAULT_HISTORY_LIMITS, DemoHistory } from './history.ts'
import { writeDemoFiles } from './demo-files.ts'
import { withoutUndefined } from './internal.ts'
import type { StepRunSettings } from './step-run.ts'
import { endRun, StartedRun, StopReason } from './step-run.ts'

export type RunEvent = RunStartedMessage | OutputMessage | RunEndedMessage | ResetDoneMessage

/** Outcomes after which a sequence goes on with its next step. */
export const ACCEPTABLE_OUTCOMES: ReadonlySet<RunOutcome> = new Set(['ok', 'expected-failure', 'skipped'])

export const DEFAULT_MAX_CONCURRENT_RUNS = 4

export interface RunManagerOptions {
  engine: DemoEngine
  /** The current deck; read at each request, so a reloaded deck applies to the next run. */
  deck: () => Deck
  deckId: string
  workdir: string
  offline: boolean
  /** Sequences running at once across all demos. */
  maxConcurrentRuns?: number
  /** How long a cancelled or timed-out step may take to stop before its run is ended anyway. */
  stopGraceMs?: number
  /** Output kept for late joiners (per run, per demo); live viewers get everything. */
  historyLimits?: Partial<HistoryLimits>
  /** Injectable clocks: monotonic milliseconds (event times) and wall-clock milliseconds. */
  monotonicMs?: () => number
  wallClockMs?: () => number
  log?: (line: string) => void
}

export interface RunOptions {
  /** 1-based; omitted runs every step of the demo in order. */
  step?: number
  interactive?: boolean
  cols?: number
  rows?: number
}

export interface StartedSequence {
  /** Demos this sequence emits runs for: not-yet-completed dependencies first, then the demo. */
  demos: string[]
  /** Every run's end, in order, once the sequence stops. Never rejects. */
  done: Promise<RunEndedMessage[]>
}

interface DemoState {
  history: DemoHistory
  /** Steps that ran in the demo's shell since its last reset. */
  ran: Set<number>
  /** Its last step ended acceptably since the last reset: `uses` need not run it again. */
  completed: boolean
  /** When it completed, and when it last ran a step (the run manager's own clock of steps). */
  completedAt?: number
  lastRanAt?: number
  sequence?: ActiveSequence
  resetting: boolean
}

interface ActiveSequence {
  controller: AbortController
  demos: string[]
  done: Promise<RunEndedMessage[]>
}

interface ActiveRun {
  run: StartedRun
  sequence: ActiveSequence
}

interface PlannedPart {
  demo: Demo
  steps: Step[]
}

export class RunManager {
  readonly #options: Required<Omit<RunManagerOptions, 'log' | 'historyLimits'>> & { log: (line: string) => void, historyLimits: HistoryLimits }
  readonly #demos = new Map<string, DemoState>()
  readonly #runs = new Map<string, ActiveRun>()
  readonly #sequences = new Set<ActiveSequence>()
  readonly #listeners = new Set<(event: RunEvent) => void>()
  #closed = false
  #resettingDeck = false
  /** Counts steps run and demos completed, to tell what ran after what. */
  #clock = 0

  constructor(options: RunManagerOptions) {
    this.#options = {
      maxConcurrentRuns: DEFAULT_MAX_CONCURRENT_RUNS,
      stopGraceMs: 10_000,
      monotonicMs: () => performance.now(),
      wallClockMs: () => Date.now(),
      log: () => {},
      ...withoutUndefined(options),
      historyLimits: { ...DEFAULT_HISTORY_LIMITS, ...withoutUndefined(options.historyLimits ?? {}) },
    }
  }

  onEvent(listener: (event: RunEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Validates, then starts the sequence on the next microtask so that the caller can route
   *  its events (subscribe the requester) before the first one is emitted. Throws DemoError:
   *  UNKNOWN_DEMO, UNKNOWN_STEP, BUSY, TOO_MANY_RUNS. */
  run(demoId: string, options: RunOptions = {}): StartedSequence {
    if (this.#closed)
      throw new DemoError('INTERNAL', 'The demo server is shutting down.')
    const deck = this.#options.deck()
    const demo = findDemo(deck, demoId)
    if (options.step !== undefined && (options.step < 1 || options.step > demo.steps.length)) {
      throw new DemoError('UNKNOWN_STEP', `Demo "${demo.id}" (${demo.loc.file}:${demo.loc.line}) has ${demo.steps.length} step${demo.steps.length === 1 ? '' : 's'}; there is no step ${options.step}.`)
    }
    if (demo.steps.length === 0)
      throw new DemoError('UNKNOWN_STEP', `Demo "${demo.id}" (${demo.loc.file}:${demo.loc.line}) has no steps: put a \`\`\`sh fence inside its <DockerDemo>.`)
    if (this.#resettingDeck)
      throw new DemoError('BUSY', 'The whole deck is being reset; run the demo again in a moment.')
    const plan = this.#plan(deck, demo, options.step)
    const demos = plan.map(part => part.demo.id)
    for (const id of demos) {
      const state = this.#state(id)
      if (state.sequence || state.resetting) {
        const what = id === demo.id ? `Demo "${id}"` : `Demo "${demo.id}" uses "${id}", which`
        throw new DemoError('BUSY', `${what} is ${state.resetting ? 'being reset' : 'running a step'}; wait for it to end or cancel it.`)
      }
    }
    if (this.#sequences.size >= this.#options.maxConcurrentRuns)
      throw new DemoError('TOO_MANY_RUNS', `${this.#sequences.size} demos are running already (at most ${this.#options.maxConcurrentRuns} at once); wait for one to end or cancel it.`)

    const sequence: ActiveSequence = { controller: new AbortController(), demos, done: undefined as never }
    this.#sequences.add(sequence)
    for (const id of demos)
      this.#state(id).sequence = sequence
    sequence.done = Promise.resolve()
      .then(() => this.#runSequence(plan, sequence, options))
      .catch((error: unknown) => {
        // A bug here must not become an unhandled rejection that takes the deck down.
        this.#options.log(`demo "${demo.id}" stopped on an internal error: ${error instanceof Error ? error.stack : String(error)}`)
        return []
      })
      .finally(() => {
        this.#sequences.delete(sequence)
        for (const id of demos) {
          const state = this.#demos.get(id)
          if (state?.sequence === sequence)
            state.sequence = undefined
        }
      })
    return { demos, done: sequence.done }
  }

  /** Stops the demo's sequence; the engine must really stop the process. */
  cancel(demoId: string): Promise<RunEndedMessage[]> {
    const sequence = this.#demos.get(demoId)?.sequence
    if (!sequence)
      throw new DemoError('UNKNOWN_RUN', `Demo "${demoId}" has no run in progress; nothing to cancel.`)
    sequence.controller.abort(new StopReason('cancelled', `cancelled by the presenter`))
    return sequence.done
  }

  /** Cancels the sequences that hold an interactive run: nobody is left to type into them. */
  cancelInteractive(reason: string): void {
    for (const { run, sequence } of this.#runs.values()) {
      if (run.interactive)
        sequence.controller.abort(new StopReason('cancelled', reason))
    }
  }

  input(runId: string, data: string): void {
    this.#activeRun(runId).input(data)
  }

  resize(runId: string, cols: number, rows: number): void {
    this.#activeRun(runId).resize(cols, rows)
  }

  /** Removes what the demo (or, without an id, the whole deck) created; cancels its runs first. */
  async reset(demoId?: string): Promise<ResetDoneMessage> {
    if (demoId === undefined) {
      if (this.#resettingDeck)
        throw new DemoError('BUSY', 'The whole deck is being reset already.')
      // Two resets at once would remove the same objects: the second fails on what the first took.
      const resetting = [...this.#demos].find(([, state]) => state.resetting)
      if (resetting)
        throw new DemoError('BUSY', `Demo "${resetting[0]}" is being reset; reset the whole deck once it is done.`)
      this.#resettingDeck = true
      try {
        const running = [...this.#sequences]
        for (const sequence of running)
          sequence.controller.abort(new StopReason('cancelled', 'the deck is being reset'))
        await Promise.all(running.map(sequence => sequence.done))
        const report = await this.#options.engine.reset({ deckId: this.#options.deckId })
        this.#demos.clear()
        const message = resetDone(undefined, report)
        this.#emit(message)
        return message
      }
      finally {
        this.#resettingDeck = false
      }
    }
    findDemo(this.#options.deck(), demoId)
    if (this.#resettingDeck)
      throw new DemoError('BUSY', `The whole deck is being reset, demo "${demoId}" with it.`)
    const state = this.#state(demoId)
    if (state.resetting)
      throw new DemoError('BUSY', `Demo "${demoId}" is being reset already.`)
    state.resetting = true
    try {
      if (state.sequence) {
        state.sequence.controller.abort(new StopReason('cancelled', `demo "${demoId}" is being reset`))
        await state.sequence.done
      }
      return await this.#resetDemo(demoId)
    }
    finally {
      state.resetting = false
    }
  }

  /** The demo's runs since its last reset, for a window that starts watching. */
  snapshot(demoId: string): SnapshotMessage {
    return this.#demos.get(demoId)?.history.snapshot() ?? { type: 'snapshot', demoId, runs: [] }
  }

  /** The same snapshot as one frame, serialized once per change and shared by every window. */
  snapshotFrame(demoId: string): Buffer {
    return this.#state(demoId).history.snapshotFrame()
  }

  isRunning(demoId: string): boolean {
    return this.#demos.get(demoId)?.sequence !== undefined
  }

  get activeRunCount(): number {
    return this.#runs.size
  }

  /** Cancels every sequence and waits for them; safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true
    const running = [...this.#sequences]
    for (const sequence of running)
      sequence.controller.abort(new StopReason('cancelled', 'the demo server is shutting down'))
    await Promise.all(running.map(sequence => sequence.done))
    this.#listeners.clear()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  // -------------------------------------------------------------------------------------------

  #state(demoId: string): DemoState {
    let state = this.#demos.get(demoId)
    if (!state) {
      state = { history: this.#newHistory(demoId), ran: new Set(), completed: false, resetting: false }
      this.#demos.set(demoId, state)
    }
    return state
  }

  #emit(event: RunEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event)
      }
      catch (error) {
        this.#options.log(`event listener failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
  }

  #activeRun(runId: string): StartedRun {
    const active = this.#runs.get(runId)
    if (!active)
      throw new DemoError('UNKNOWN_RUN', `Run ${runId} is not running (it ended, or never started).`)
    return active.run
  }

  /** Dependencies (depth first, each once) that have not completed, then the demo itself. */
  #plan(deck: Deck, demo: Demo, step: number | undefined): PlannedPart[] {
    const parts: PlannedPart[] = []
    const seen = new Set<string>([demo.id])
    const visit = (from: Demo) => {
      for (const id of from.uses) {
        if (seen.has(id))
          continue
        seen.add(id)
        const dependency = deck.demos.find(d => d.id === id)
        if (!dependency)
          throw new DemoError('UNKNOWN_DEMO', `Demo "${from.id}" (${from.loc.file}:${from.loc.line}) uses "${id}", which is not in ${deck.file}: fix its uses="...".`)
        if (!this.#stale(deck, dependency, demo, new Set()))
          continue
        visit(dependency)
        parts.push({ demo: dependency, steps: dependency.steps })
      }
    }
    visit(demo)
    // A later step needs what the earlier ones set up in the demo's shell and on the engine:
    // when they have not run since the demo's last reset (a dependency that starts over resets
    // it too), the demo starts over up to it.
    const ran = this.#demos.get(demo.id)?.ran
    const earlierRan = step === undefined || (parts.length === 0 && demo.steps.slice(0, step - 1).every(s => ran?.has(s.index)))
    parts.push({ demo, steps: step === undefined ? demo.steps : earlierRan ? [demo.steps[step - 1]] : demo.steps.slice(0, step) })
    return parts
  }

  async #runSequence(plan: PlannedPart[], sequence: ActiveSequence, options: RunOptions): Promise<RunEndedMessage[]> {
    const ended: RunEndedMessage[] = []
    for (const { demo, steps } of plan) {
      if (sequence.controller.signal.aborted)
        return ended
      // Running from step 1 again starts clean: what the demo made before would collide. Its
      // files (a Dockerfile in the deck) are written afresh; from a later step, where missing.
      try {
        if (steps[0].index === 1)
          await this.#resetDemo(demo.id)
        await writeDemoFiles(demo, this.#options.workdir, { onlyMissing: steps[0].index !== 1 })
      }
      catch (error) {
        ended.push(this.#failBeforeStart(demo, steps[0], options, error))
        return ended
      }
      // A terminal is opened only for the demo asked for, never for a dependency run on the way.
      const partOptions = demo.id === plan.at(-1)!.demo.id ? options : { ...options, interactive: false }
      for (const step of steps) {
        if (sequence.controller.signal.aborted)
          return ended
        const end = await this.#runStep(demo, step, sequence, partOptions)
        ended.push(end)
        if (!ACCEPTABLE_OUTCOMES.has(end.outcome))
          return ended
        if (step.index === demo.steps.length) {
          const state = this.#state(demo.id)
          state.completed = true
          state.completedAt = ++this.#clock
        }
      }
    }
    return ended
  }

  /**
   * A demo runs on the state the deck's order gives it. When a demo further down the deck that
   * also uses `dependencyId` ran after it completed (a cleanup slide, shown before this one),
   * the dependency has changed under `demo`: it starts over first.
   */
  /** A dependency must run (again) for `demo`: it has not completed, a later demo changed it,
   *  or one it uses must run again. */
  #stale(deck: Deck, dependency: Demo, demo: Demo, seen: Set<string>): boolean {
    if (seen.has(dependency.id))
      return false
    seen.add(dependency.id)
    if (!this.#demos.get(dependency.id)?.completed || this.#changedByLaterDemo(deck, dependency.id, demo))
      return true
    return dependency.uses.some((id) => {
      const used = deck.demos.find(d => d.id === id)
      return used !== undefined && this.#stale(deck, used, demo, seen)
    })
  }

  #changedByLaterDemo(deck: Deck, dependencyId: string, demo: Demo): boolean {
    const completedAt = this.#demos.get(dependencyId)?.completedAt ?? 0
    const position = deck.demos.indexOf(demo)
    return dependentsOf(deck, dependencyId).some((id) => {
      const later = deck.demos.findIndex(d => d.id === id) > position
      return later && (this.#demos.get(id)?.lastRanAt ?? 0) > completedAt
    })
  }

  /** Resets the demo after the demos that use it: their containers sit on its networks and
   *  volumes (Docker refuses to remove a network with endpoints), and they build on objects that
   *  are about to go. Dependents are reset even without state here: an earlier server may have
   *  run them. */
  async #resetDemo(demoId: string): Promise<ResetDoneMessage> {
    const dependents = dependentsOf(this.#options.deck(), demoId)
    for (const id of dependents) {
      const busy = this.#demos.get(id)
      if (busy?.sequence && !busy.sequence.demos.includes(demoId))
        throw new DemoError('BUSY', `Demo "${id}" uses "${demoId}" and is running a step; wait for it to end or cancel it before "${demoId}" starts over.`)
    }
    // The demo's own reset-done names what its dependents left behind too: the requester (a
    // slide, the CLI) may watch only this demo.
    const leftByDependents: NotRemoved[] = []
    for (const id of dependents)
      leftByDependents.push(...(await this.#resetOne(id)).notRemoved ?? [])
    return this.#resetOne(demoId, leftByDependents)
  }

  /** Removes what one demo created and forgets its variables, history and completion. */
  async #resetOne(demoId: string, leftEarlier: NotRemoved[] = []): Promise<ResetDoneMessage> {
    const report = await this.#options.engine.reset({ deckId: this.#options.deckId, demoId })
    const state = this.#state(demoId)
    state.ran = new Set()
    // A new object, not a cleared one: a run still writing to the old history cannot spend
    // the new one's byte budget.
    state.history = this.#newHistory(demoId)
    state.completed = false
    const message = resetDone(demoId, { ...report, notRemoved: [...leftEarlier, ...report.notRemoved] })
    this.#emit(message)
    return message
  }

  #newHistory(demoId: string): DemoHistory {
    return new DemoHistory(demoId, this.#options.historyLimits)
  }

  #startRecord(demo: Demo, step: Step, interactive: boolean, options: RunOptions): RunRecorder {
    const started: RunStartedMessage = {
      type: 'run-started',
      runId: randomUUID(),
      demoId: demo.id,
      step: step.index,
      command: step.command,
      prompt: step.prompt,
      interactive,
      header: {
        version: 2,
        width: options.cols ?? SLIDE_TERMINAL.cols,
        height: options.rows ?? SLIDE_TERMINAL.rows,
        timestamp: Math.floor(this.#options.wallClockMs() / 1000),
        title: `${demo.id} step ${step.index}`,
      },
    }
    const record = this.#state(demo.id).history.start(started)
    this.#emit(started)
    return record
  }

  #failBeforeStart(demo: Demo, step: Step, options: RunOptions, error: unknown): RunEndedMessage {
    const record = this.#startRecord(demo, step, false, options)
    return endRun(record, 'error', null, event => this.#emit(event), toErrorPayload(error))
  }

  async #runStep(demo: Demo, step: Step, sequence: ActiveSequence, options: RunOptions): Promise<RunEndedMessage> {
    const interactive = options.interactive === true && step.opensTerminal === true
    const record = this.#startRecord(demo, step, interactive, options)
    const state = this.#state(demo.id)
    state.lastRanAt = ++this.#clock
    const run = new StartedRun(record, demo, step, sequence.controller.signal, this.#stepRunSettings)
    this.#runs.set(run.runId, { run, sequence })
    try {
      return await run.execute()
    }
    finally {
      state.ran.add(step.index)
      this.#runs.delete(run.runId)
    }
  }

  get #stepRunSettings(): StepRunSettings {
    const { engine, deckId, workdir, offline, stopGraceMs, monotonicMs, log } = this.#options
    return { engine, deckId, workdir, offline, stopGraceMs, monotonicMs, log, emit: event => this.#emit(event) }
  }
}

/** The demo, or UNKNOWN_DEMO naming the demos the deck has. */
export function findDemo(deck: Deck, demoId: string): Demo {
  const demo = deck.demos.find(d => d.id === demoId)
  if (!demo) {
    const known = deck.demos.map(d => d.id).join(', ') || '(none)'
    throw new DemoError('UNKNOWN_DEMO', `There is no demo "${demoId}" in ${deck.file}; its demos are: ${known}.`)
  }
  return demo
}

/** Demos that use `demoId`, directly or through another, the most dependent first. */
export function dependentsOf(deck: Deck, demoId: string): string[] {
  const order: string[] = []
  // Marked on the way in: a deck with a `uses` cycle (a problem, but it still loads) must not
  // recurse for ever.
  const seen = new Set<string>([demoId])
  const visit = (id: string) => {
    for (const demo of deck.demos) {
      if (demo.uses.includes(id) && !seen.has(demo.id)) {
        seen.add(demo.id)
        visit(demo.id)
        order.push(demo.id)
      }
    }
  }
  visit(demoId)
  return order
}

/** `notRemoved` only when something stayed, so that a complete reset reads as before. */
function resetDone(demoId: string | undefined, report: ResetReport): ResetDoneMessage {
  return {
    type: 'reset-done',
    ...(demoId === undefined ? {} : { demoId }),
    removed: report.removed,
    ...(report.notRemoved.length > 0 ? { notRemoved: report.notRemoved } : {}),
  }
}
