/**
 * A shell session: the docker CLI of a `docker run -it` / `exec -it` / `attach` line, kept open in
 * its pseudo-terminal across the demo's following `/ # ...` lines, which are typed into it as a
 * presenter would type them. One shell, so `cd` and variables persist from line to line.
 *
 * The run manager prints each step's prompt and command itself (server/step-run.ts), so a typed
 * line's echo is not shown again, and the prompt the shell prints at the end of a step is held
 * back: the next step prints the deck's. A typed command's exit status cannot be seen from
 * outside the shell: `# expect-fail: TEXT` is judged on the text alone.
 */
import type { Step } from '../deck/model.ts'
import { CTRL_C, onAbort, sleep } from './abort.ts'
import type { CliCall } from './cli-step.ts'
import { stopStep, terminalProcess, within } from './cli-step.ts'
import type { PtyExit, PtyProcess } from './pty-process.ts'
import { echoCaughtUp, endsWithShellPrompt, splitPartialLine, typingDelayMs } from './shell-text.ts'
import { stopCreatedBy } from './stop-run.ts'
import type { StepIO } from './types.ts'

/** Output quiet this long after a prompt: the command has ended. */
const PROMPT_QUIET_MS = 150
/** `docker attach` prints nothing (the prompt was drawn before): quiet this long, it is in. */
const ATTACH_QUIET_MS = 500
/** A partial line that is not a prompt is shown after this much quiet (progress, questions). */
const PARTIAL_QUIET_MS = 100
/** How long the echo of a typed line may lag before Enter is pressed anyway. */
const ECHO_WAIT_MS = 500
/** Ctrl-C, then this long for the prompt to come back before the session is ended. */
const INTERRUPT_WAIT_MS = 1500
/** Docker's default detach keys (Ctrl-P Ctrl-Q). */
export const DETACH_KEYS = '\x10\x11'
const POLL_MS = 25
const TAIL_CHARS = 4096

export type EnteredBy = 'shell' | 'attach'

/** Where the session's output goes while a step uses it. */
interface StepWriter {
  io: StepIO
  /** Hold a trailing partial line back (it may be the prompt the next step prints itself). */
  holdPrompt: boolean
  /** What this step showed, for `expect-fail: TEXT`. */
  shown: string
}

export class ShellSession {
  readonly #terminal: PtyProcess
  /** The step that opened the session, as it ran: stopping it stops what it created. */
  readonly origin: CliCall
  #writer: StepWriter | undefined
  #phase: 'idle' | 'echo' | 'live' = 'idle'
  #echo = ''
  #enterSentAt = -1
  #held = ''
  /** Output since the step's command began (after its echo), for finding the prompt. */
  #tail = ''
  #lastDataAt = Date.now()
  readonly #removeData: () => void

  constructor(terminal: PtyProcess, origin: CliCall) {
    this.#terminal = terminal
    this.origin = origin
    this.#removeData = terminal.onData(data => this.#data(data))
  }

  get step(): Step {
    return this.origin.step
  }

  get exit(): PtyExit | undefined {
    return this.#terminal.exit
  }

  get exited(): Promise<PtyExit> {
    return this.#terminal.exited
  }

  /**
   * The opening step. Without a presenter terminal it ends when the shell is ready (its prompt,
   * or for `attach` a moment of quiet); with one, when the presenter leaves (exit, Ctrl-P Ctrl-Q)
   * or cancels. Resolves with the exit code when the CLI ended, 0 when the shell stays open.
   */
  async open(io: StepIO, signal: AbortSignal, interactive: boolean, enteredBy: EnteredBy): Promise<number> {
    const startedAt = Date.now()
    const removers = this.#use(io, { holdPrompt: !interactive })
    if (interactive)
      removers.push(io.onInput(data => this.#terminal.write(data)))
    this.#phase = 'live'
    try {
      const ready = () => !interactive && (this.#promptBack()
        || (enteredBy === 'attach' && Date.now() - Math.max(startedAt, this.#lastDataAt) >= ATTACH_QUIET_MS))
      const how = await this.#until(signal, ready)
      if (how === 'aborted')
        return await this.#interrupt(interactive)
      return how === 'exited' ? this.exit!.exitCode : 0
    }
    finally {
      this.#release(removers)
    }
  }

  /** A `/ # COMMAND` step: typed at a natural pace, ended by the prompt's return. */
  async typeLine(step: Step, io: StepIO, signal: AbortSignal): Promise<number> {
    const removers = this.#use(io, { holdPrompt: true })
    this.#phase = 'echo'
    this.#echo = ''
    this.#enterSentAt = -1
    try {
      const delay = typingDelayMs(step.command)
      for (const char of step.command) {
        if (signal.aborted || this.exit)
          break
        this.#terminal.write(char)
        await sleep(delay)
      }
      const echoed = await this.#until(signal, () => echoCaughtUp(this.#echo, step.command), ECHO_WAIT_MS)
      if (echoed === 'exited')
        return this.exit!.exitCode
      if (echoed !== 'aborted') {
        this.#enterSentAt = this.#echo.length
        this.#terminal.write('\r')
      }
      const how = echoed === 'aborted' ? 'aborted' : await this.#until(signal, () => this.#phase === 'live' && this.#promptBack())
      if (how === 'aborted')
        return await this.#interrupt(false)
      // A bare `exit` passes on the status of the line before it, which was judged there.
      if (how === 'exited' && !/^exit\s*$/.test(step.command.trim()))
        return this.exit!.exitCode
      return judgedExitCode(step, this.#writer?.shown ?? '')
    }
    finally {
      this.#release(removers)
    }
  }

  /** Ctrl-P Ctrl-Q, as the presenter leaves a shell at home; the CLI is killed if it stays. */
  async detach(): Promise<void> {
    if (!this.exit) {
      this.#terminal.write(DETACH_KEYS)
      if (!await within(this.exited, 1000))
        await this.#terminal.kill()
    }
    await this.#afterEnd()
  }

  /** Ends the session now: the CLI, and the processes of the exec it opened. */
  async close(): Promise<void> {
    await this.#terminal.kill()
    await this.#afterEnd()
  }

  /** Cancel: Ctrl-C to what runs in the shell; if its prompt does not come back, end it all. */
  async #interrupt(interactive: boolean): Promise<number> {
    if (this.exit)
      return this.exit.exitCode
    this.#phase = 'live'
    this.#tail = ''
    this.#terminal.write(CTRL_C)
    const never = new AbortController().signal
    const how = await this.#until(never, () => this.#promptBack() || (interactive && this.#quietFor(PROMPT_QUIET_MS * 2)), INTERRUPT_WAIT_MS)
    if (how === 'exited')
      return this.exit!.exitCode
    if (how === 'timeout') {
      await stopStep(this.origin, terminalProcess(this.#terminal))
      await this.#afterEnd()
    }
    return this.#terminal.exit?.exitCode ?? 130
  }

  /** An exec's shell outlives its CLI (docs/engine-notes.md): kill what the opening run marked. */
  async #afterEnd(): Promise<void> {
    const { docker, proxy, context } = this.origin
    await stopCreatedBy(docker, context.runId, proxy.createdBy(context.runId), { keepContainers: true })
    this.#removeData()
  }

  #use(io: StepIO, options: { holdPrompt: boolean }): Array<() => void> {
    this.#writer = { io, holdPrompt: options.holdPrompt, shown: '' }
    this.#held = ''
    this.#tail = ''
    return [io.onResize((cols, rows) => this.#terminal.resize(cols, rows))]
  }

  /** The step is over: a held prompt is dropped (the next step prints the deck's), anything
   *  else held is shown. */
  #release(removers: Array<() => void>): void {
    if (this.#held && !endsWithShellPrompt(this.#held))
      this.#show(this.#held)
    this.#held = ''
    this.#writer = undefined
    this.#phase = 'idle'
    for (const remove of removers)
      remove()
  }

  #data(data: string): void {
    this.#lastDataAt = Date.now()
    if (this.#phase === 'echo') {
      this.#echo += data
      if (this.#enterSentAt < 0)
        return
      const lineEnd = this.#echo.indexOf('\n', this.#enterSentAt)
      if (lineEnd < 0)
        return
      const rest = this.#echo.slice(lineEnd + 1)
      this.#echo = ''
      this.#phase = 'live'
      if (rest)
        this.#live(rest)
      return
    }
    this.#live(data)
  }

  #live(data: string): void {
    this.#tail = (this.#tail + data).slice(-TAIL_CHARS)
    const writer = this.#writer
    if (!writer)
      return
    if (!writer.holdPrompt) {
      this.#show(data)
      return
    }
    const { lines, partial } = splitPartialLine(this.#held + data)
    this.#held = partial
    if (lines)
      this.#show(lines)
  }

  #show(data: string): void {
    const writer = this.#writer
    if (!writer)
      return
    if (writer.shown.length < TAIL_CHARS * 16)
      writer.shown += data
    writer.io.write(data)
  }

  #quietFor(ms: number): boolean {
    return Date.now() - this.#lastDataAt >= ms
  }

  #promptBack(): boolean {
    return this.#quietFor(PROMPT_QUIET_MS) && endsWithShellPrompt(this.#tail)
  }

  /** Polls `done` until it holds, the CLI exits, the signal aborts or `timeoutMs` passes; shows
   *  a held partial line that is not a prompt once output has been quiet for a moment. */
  async #until(signal: AbortSignal, done: () => boolean, timeoutMs = Number.POSITIVE_INFINITY): Promise<'done' | 'exited' | 'aborted' | 'timeout'> {
    const end = Date.now() + timeoutMs
    let wake = () => {}
    const removeAbort = onAbort(signal, () => wake())
    const removeExit = (() => {
      let live = true
      void this.exited.then(() => { if (live) wake() })
      return () => { live = false }
    })()
    try {
      for (;;) {
        if (this.exit) {
          this.#flushHeld()
          return 'exited'
        }
        if (signal.aborted)
          return 'aborted'
        if (done())
          return 'done'
        if (Date.now() >= end)
          return 'timeout'
        if (this.#held && this.#quietFor(PARTIAL_QUIET_MS) && !endsWithShellPrompt(this.#held))
          this.#flushHeld()
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS)
          wake = () => { clearTimeout(timer); resolve() }
        })
      }
    }
    finally {
      removeAbort()
      removeExit()
    }
  }

  #flushHeld(): void {
    if (this.#held) {
      const held = this.#held
      this.#held = ''
      this.#show(held)
    }
  }
}

/** What a typed line "exited" with: the shell does not say, so `expect-fail` is judged on text. */
export function judgedExitCode(step: Step, shown: string): number {
  const expectFail = step.options.expectFail
  if (expectFail === undefined)
    return 0
  if (expectFail === true)
    return 1
  return shown.replaceAll('\r', '').includes(expectFail) ? 1 : 0
}
