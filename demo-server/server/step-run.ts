/**
 * One run: one execution of one step on the engine, from its echoed command line to its
 * outcome. The run manager (run-manager.ts) decides which runs happen and keeps their history;
 * a StartedRun only carries one out, with its timeout, its cancellation and its terminal.
 */
import type { Demo, Step } from '../deck/model.ts'
import { DEFAULT_STEP_TIMEOUT_MS } from '../deck/model.ts'
import type { DemoEngine, StepIO, StepResult } from '../engine/types.ts'
import type {
  AsciicastOutputEvent,
  ErrorPayload,
  OutputMessage,
  RunEndedMessage,
  RunOutcome,
  RunStartedMessage,
} from '../protocol.ts'
import { DemoError, toErrorPayload } from '../protocol.ts'
import type { RunRecorder } from './history.ts'

/** Why a run was stopped: the abort reason handed to the engine. */
export class StopReason extends Error {
  constructor(readonly outcome: 'cancelled' | 'timeout', message: string) {
    super(message)
    this.name = 'StopReason'
  }
}

export interface StepRunSettings {
  engine: DemoEngine
  deckId: string
  workdir: string
  offline: boolean
  /** How long a stopped step may take to return before its run is ended anyway. */
  stopGraceMs: number
  monotonicMs: () => number
  emit: (event: RunStartedMessage | OutputMessage | RunEndedMessage) => void
  log: (line: string) => void
}

const MAX_MATCH_BYTES = 4 * 1024 * 1024
const MAX_PENDING_INPUT = 64 * 1024

/** A run that has started (its `run-started` is out): execute() carries it to its end. */
export class StartedRun {
  readonly #inputListeners = new Set<(data: string) => void>()
  readonly #resizeListeners = new Set<(cols: number, rows: number) => void>()
  /** Keystrokes that arrived before the engine attached the terminal. */
  readonly #pendingInput: string[] = []

  constructor(
    /** The run's history (bounded there, history.ts); live viewers get every event. */
    readonly record: RunRecorder,
    private readonly demo: Demo,
    private readonly step: Step,
    /** Aborted when the sequence is cancelled. */
    private readonly stopSignal: AbortSignal,
    private readonly settings: StepRunSettings,
  ) {}

  get runId(): string {
    return this.record.started.runId
  }

  get interactive(): boolean {
    return this.record.started.interactive
  }

  input(data: string): void {
    this.#requireTerminal()
    if (this.#inputListeners.size === 0) {
      if (this.#pendingInput.reduce((n, chunk) => n + chunk.length, 0) + data.length > MAX_PENDING_INPUT)
        throw new DemoError('TOO_LARGE', `Run ${this.runId} has no terminal attached yet and ${MAX_PENDING_INPUT} characters of input are waiting; wait for its prompt.`)
      this.#pendingInput.push(data)
      return
    }
    for (const listener of this.#inputListeners)
      listener(data)
  }

  resize(cols: number, rows: number): void {
    this.#requireTerminal()
    for (const listener of this.#resizeListeners)
      listener(cols, rows)
  }

  /** Runs the step; never rejects (an engine error is the outcome `error`). */
  async execute(): Promise<RunEndedMessage> {
    const { step, settings } = this
    const startedAt = settings.monotonicMs()
    let matchable = ''
    const write = (data: string) => {
      if (data.length === 0)
        return
      const seconds = Math.round((settings.monotonicMs() - startedAt) * 1000) / 1e6
      const event: AsciicastOutputEvent = [Math.max(0, seconds), 'o', data]
      this.record.append(event)
      if (matchable.length < MAX_MATCH_BYTES)
        matchable += data
      settings.emit({ type: 'output', runId: this.runId, demoId: this.demo.id, event })
    }

    // A line the shell never sees is shown as it would have been typed, with why it was not:
    // the shell's own prompt and echo show every line that runs.
    if (step.options.shownOnly !== undefined) {
      write(`${step.prompt}${step.command.replaceAll('\n', '\r\n')}\r\n# shown only: ${step.options.shownOnly}\r\n`)
      return this.#end('skipped', null)
    }
    if (step.options.online && settings.offline) {
      write(`${step.prompt}${step.command.replaceAll('\n', '\r\n')}\r\n# not run: this step needs the internet and the demo server is offline\r\n`)
      return this.#end('skipped', null)
    }

    const controller = new AbortController()
    const forward = () => controller.abort(this.stopSignal.reason)
    this.stopSignal.addEventListener('abort', forward, { once: true })
    if (this.stopSignal.aborted)
      forward()
    // A terminal the presenter types into lasts until they leave it (or cancel), unless the
    // deck sets a timeout for it.
    const timeoutMs = step.options.timeoutMs ?? (this.interactive ? undefined : DEFAULT_STEP_TIMEOUT_MS)
    const timer = timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new StopReason('timeout', `step ${step.index} of demo "${this.demo.id}" ran longer than ${timeoutMs} ms`)), timeoutMs)
    const io: StepIO = {
      write,
      onInput: (listener) => {
        this.#inputListeners.add(listener)
        for (const data of this.#pendingInput.splice(0))
          listener(data)
        return () => this.#inputListeners.delete(listener)
      },
      onResize: (listener) => {
        this.#resizeListeners.add(listener)
        return () => this.#resizeListeners.delete(listener)
      },
    }
    try {
      const { width: cols, height: rows } = this.record.started.header
      const settled = await this.#settle(Promise.resolve().then(() => settings.engine.runStep(step, {
        deckId: settings.deckId,
        demoId: this.demo.id,
        runId: this.runId,
        uses: this.demo.uses,
        workdir: settings.workdir,
        typingMs: this.demo.typingMs ?? 0,
        offline: settings.offline,
        interactive: this.interactive,
        cols,
        rows,
        signal: controller.signal,
      }, io)), controller.signal)
      const stop = controller.signal.reason
      if (controller.signal.aborted && stop instanceof StopReason) {
        // A line that must fail may fail by running too long: that is failing as expected.
        const expectFail = step.options.expectFail
        if (stop.outcome === 'timeout' && (expectFail === true || (typeof expectFail === 'string' && matchable.replaceAll('\r', '').includes(expectFail))))
          return this.#end('expected-failure', settled.result?.exitCode ?? null)
        return this.#end(stop.outcome, settled.result?.exitCode ?? null)
      }
      if (settled.error !== undefined)
        return this.#end('error', null, toErrorPayload(settled.error))
      const result = settled.result!
      const { outcome, reason } = judge(step, result, matchable.replaceAll('\r', ''))
      return this.#end(outcome, result.exitCode, reason ? { code: 'STEP_FAILED', message: reason } : undefined)
    }
    finally {
      clearTimeout(timer)
      this.stopSignal.removeEventListener('abort', forward)
    }
  }

  #end(outcome: RunOutcome, exitCode: number | null, error?: ErrorPayload): RunEndedMessage {
    return endRun(this.record, outcome, exitCode, this.settings.emit, error)
  }

  #requireTerminal(): void {
    if (!this.interactive)
      throw new DemoError('BAD_MESSAGE', `Run ${this.runId} (demo "${this.demo.id}") has no terminal to type into: run the step with "interactive": true.`)
  }

  /** The engine's promise, but no longer than the grace period after an abort: a stuck engine
   *  call must not keep the demo BUSY for ever. */
  #settle(promise: Promise<StepResult>, signal: AbortSignal): Promise<{ result?: StepResult, error?: unknown }> {
    const { stopGraceMs, log } = this.settings
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const onAbort = () => {
        timer = setTimeout(() => {
          log(`step ${this.step.index} of demo "${this.demo.id}" did not stop within ${stopGraceMs} ms of being ${(signal.reason as StopReason)?.outcome ?? 'stopped'}; ending its run anyway`)
          resolve({})
        }, stopGraceMs)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      if (signal.aborted)
        onAbort()
      promise.then(
        result => resolve({ result }),
        error => resolve({ error: error ?? new Error('the engine failed without a reason') }),
      ).finally(() => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
      })
    })
  }
}

/** Closes a run's record with its outcome and emits `run-ended`. */
export function endRun(record: RunRecorder, outcome: RunOutcome, exitCode: number | null, emit: StepRunSettings['emit'], error?: ErrorPayload): RunEndedMessage {
  const { runId, demoId, step } = record.started
  const ended: RunEndedMessage = { type: 'run-ended', runId, demoId, step, outcome, exitCode, ...(error ? { error } : {}) }
  record.end(ended)
  emit(ended)
  return ended
}

/** The outcome of a step that ran to its end, and why it is not what the deck says. */
export function judge(step: Step, result: StepResult, output: string): { outcome: RunOutcome, reason?: string } {
  const expectFail = step.options.expectFail
  if (result.exitCode === 0) {
    return expectFail
      ? { outcome: 'unexpected-success', reason: `the step succeeded, but the deck says "# expect-fail"; fix the step or remove the setting.` }
      : { outcome: 'ok' }
  }
  if (!expectFail)
    return { outcome: 'failed', reason: `the step exited with ${result.exitCode}; fix it, or mark it "# expect-fail" if failing is the point.` }
  if (expectFail === true || output.includes(expectFail))
    return { outcome: 'expected-failure' }
  return { outcome: 'failed', reason: `the step failed as expected (exit ${result.exitCode}), but its output does not contain "${expectFail}".` }
}
