/**
 * A demo's shell: one bash in a pseudo-terminal sized to the slide, started from our rc file
 * (shell/rc.ts), that the demo's lines are typed into as a presenter types them. What the slide
 * shows is the shell's own prompt, echo and output; the marks the rc file adds (shell/marks.ts)
 * say where each prompt and command begins and ends, and with which status, and are removed.
 *
 * A line that starts a program which takes over the terminal (`docker run -it`, `exec -it`,
 * `attach`) ends when that program shows its prompt; the demo's container lines are then typed
 * into it, each ending when the prompt comes back (a program's prompt carries no marks). The
 * next shell line leaves it first (Ctrl-P Ctrl-Q, as a presenter would). A prompt that the next
 * step will type after is held back and shown by that step, so a step's output reads
 * `$ docker ps` ... up to the next prompt.
 */
import type { Step } from '../deck/model.ts'
import { MarkScanner } from '../shell/marks.ts'
import type { ShellMark } from '../shell/marks.ts'
import { DemoError } from '../protocol.ts'
import { CTRL_C, onAbort, sleep } from './abort.ts'
import { killChildren } from './process-tree.ts'
import { PtyProcess } from './pty-process.ts'
import { echoCaughtUp, endsWithShellPrompt, splitPartialLine } from './shell-text.ts'
import type { StepIO } from './types.ts'

/** Output quiet this long after a program's prompt: the program waits for a line. */
const PROMPT_QUIET_MS = 150
/** `docker attach` prints nothing (its container drew the prompt long ago): quiet this long
 *  after the line runs, and it is in. */
const ATTACH_QUIET_MS = 500
/** A partial line that is not a prompt is shown after this much quiet (progress, questions). */
const PARTIAL_QUIET_MS = 100
/** How long the echo of a line typed into a program may lag before Enter is pressed anyway. */
const ECHO_WAIT_MS = 500
/** How long bash has to draw its first prompt. */
const START_TIMEOUT_MS = 10_000
/** Each stage of stopping a line: Ctrl-C, then the engine side, then the processes. */
const STOP_STAGE_MS = 1000
/** How often a wait looks again when nothing arrives (for conditions on quiet time). */
const POLL_MS = 20
const SHOWN_LIMIT = 4 * 1024 * 1024
/** Enough of the end of the output to find the cursor's line. */
const TAIL_CHARS = 4096
/** Docker's default detach keys (Ctrl-P Ctrl-Q). */
export const DETACH_KEYS = '\x10\x11'
/** Readline's quoted-insert (Ctrl-V): a tab typed after it is a tab, not a completion. */
const QUOTED_INSERT = '\x16'

export interface DemoShellOptions {
  bash: string
  rcFile: string
  env: Record<string, string>
  cwd: string
  cols: number
  rows: number
}

export interface TypeOptions {
  signal: AbortSignal
  /** The presenter types into the program this line starts, until it ends or is cancelled. */
  interactive: boolean
  /** A delay per character, as a person types; 0 types each line at once. */
  typingMs: number
}

/** The engine side of a line's run (engine/stop-run.ts, through the proxy's records). */
export interface EngineSide {
  /** Stops what a cancelled line started: its containers (unless detached) and execs. */
  stop: () => Promise<void>
  /** After a program was left: the processes of the execs the line opened, which outlive
   *  their CLI (docs/engine-notes.md). */
  afterLeave: () => Promise<void>
}

interface ProgramInTerminal {
  /** The step whose line started it. */
  opener: Step
  engine: EngineSide
}

type Phase = 'starting' | 'prompt' | 'ready' | 'typed' | 'running'

export class DemoShell implements AsyncDisposable {
  readonly #terminal: PtyProcess
  readonly #scanner = new MarkScanner()
  #phase: Phase = 'starting'
  /** Output no step has shown yet: the prompt the next line is typed after, and anything the
   *  shell printed between steps. */
  #held = ''
  #writer: ((text: string) => void) | undefined
  /** What the current step showed, for `expect-fail: TEXT` and for finding a prompt. */
  #shown = ''
  /** A trailing partial line held back while a program has the terminal (it may be its prompt). */
  #partial = ''
  #holdPartial = false
  #status: number | undefined
  /** Set at each mark A after a typed line: the line is over. */
  #promptSeq = 0
  #lastOutputAt = Date.now()
  #program: ProgramInTerminal | undefined
  /** The presenter pressed Ctrl-P Ctrl-Q in the program: it was left, not failed. */
  #detachTyped = false
  #ended: { step: Step, why: string } | undefined
  readonly #removeData: () => void
  /** The waits in progress (#until), woken by output. */
  readonly #waiters = new Set<() => void>()

  private constructor(terminal: PtyProcess) {
    this.#terminal = terminal
    this.#removeData = terminal.onData(data => this.#data(data))
  }

  /** Starts bash and waits for its first prompt. */
  static async start(options: DemoShellOptions): Promise<DemoShell> {
    const terminal = PtyProcess.spawn(options.bash, ['--noprofile', '--rcfile', options.rcFile, '-i'], {
      cols: options.cols,
      rows: options.rows,
      env: options.env,
      cwd: options.cwd,
    })
    const shell = new DemoShell(terminal)
    const ready = await shell.#until(new AbortController().signal, () => shell.#phase === 'ready', START_TIMEOUT_MS)
    if (ready !== 'done') {
      const said = shell.#held.replace(/\s+/g, ' ').trim().slice(0, 300)
      await shell.close()
      throw new DemoError('INTERNAL', `The demo's shell (${options.bash}) did not show its prompt within ${START_TIMEOUT_MS / 1000} s${ready === 'exited' ? ` (it exited with ${shell.#terminal.exit?.exitCode})` : ''}${said ? `; it printed: ${said}` : ''}.`)
    }
    return shell
  }

  get pid(): number {
    return this.#terminal.pid
  }

  /** The shell has exited (a line ran `exit`, or it was killed): the demo needs a new one. */
  get exited(): boolean {
    return this.#terminal.exit !== undefined
  }

  /** A program a line started holds the terminal. */
  get programOpen(): boolean {
    return this.#program !== undefined && !this.exited
  }

  resize(cols: number, rows: number): void {
    this.#terminal.resize(cols, rows)
  }

  /** A shell line: typed at the prompt; its status is the one the shell's mark D gives. */
  async typeLine(step: Step, io: StepIO, engine: EngineSide, options: TypeOptions): Promise<number> {
    await this.leaveProgram()
    if (this.#phase !== 'ready') {
      const how = await this.#until(options.signal, () => this.#phase === 'ready', START_TIMEOUT_MS)
      if (how !== 'done')
        return this.#notReady(how)
    }
    const removers = this.#use(io, options)
    // A presenter who types sees everything as it comes; otherwise the program's prompt is held for the line typed after it.
    this.#holdPartial = step.opensTerminal === true && !options.interactive
    try {
      const before = this.#promptSeq
      this.#status = undefined
      const lines = step.command.split('\n')
      for (const [index, line] of lines.entries()) {
        this.#phase = 'typed'
        await this.#type(line, options)
        this.#terminal.write('\r')
        if (index < lines.length - 1 && await this.#until(options.signal, () => this.#phase === 'ready' || this.#promptSeq !== before) !== 'done')
          break
      }
      const lineOver = () => this.#promptSeq !== before
      const programWaits = () => step.opensTerminal === true && this.#phase === 'running' && (step.attaches
        ? this.#quietFor(ATTACH_QUIET_MS)
        : this.#quietFor(PROMPT_QUIET_MS) && endsWithShellPrompt(this.#screenTail()))
      const how = await this.#until(options.signal, options.interactive ? lineOver : () => lineOver() || programWaits())
      if (how === 'aborted') {
        // In a program that has the terminal, Ctrl-C stops what runs in it; the program stays.
        if (step.opensTerminal && !lineOver() && await this.#interruptedToPrompt()) {
          this.#program = { opener: step, engine }
          this.#ended = undefined
          return 130
        }
        return await this.#stopLine(engine)
      }
      if (how === 'exited')
        return this.#terminal.exit!.exitCode
      if (!lineOver()) {
        // The program waits at its prompt: the container lines go to it.
        this.#program = { opener: step, engine }
        this.#ended = undefined
        this.#held = this.#partial
        this.#partial = ''
        return 0
      }
      const status = this.#status ?? 0
      if (step.opensTerminal)
        this.#ended = { step, why: `ended (exit code ${status}: it exited, was left with Ctrl-P Ctrl-Q, or its container stopped)` }
      return options.interactive && step.opensTerminal && this.#detachTyped ? 0 : status
    }
    finally {
      this.#release(removers)
    }
  }

  /** A container line: typed into the program that `step.target.opener` started, ended by its
   *  prompt's return. Its exit status cannot be seen from outside that program's shell:
   *  `expect-fail: TEXT` is judged on the text alone (judgedExitCode). */
  async typeIntoProgram(step: Step, io: StepIO, options: TypeOptions): Promise<number> {
    const program = this.#program
    if (!program || this.exited || step.target.kind !== 'container' || program.opener.index !== step.target.opener)
      throw this.#noProgram(step)
    const removers = this.#use(io, options)
    this.#holdPartial = true
    try {
      const before = this.#promptSeq
      const echoStart = this.#shown.length
      await this.#type(step.command, options)
      const echoed = await this.#until(options.signal, () => echoCaughtUp(this.#shown.slice(echoStart) + this.#partial, step.command), ECHO_WAIT_MS)
      if (echoed === 'aborted')
        return await this.#interruptProgram(program)
      const enterAt = this.#shown.length + this.#partial.length
      this.#terminal.write('\r')
      const newline = () => (this.#shown + this.#partial).indexOf('\n', enterAt) !== -1
      const promptBack = () => newline() && this.#quietFor(PROMPT_QUIET_MS) && endsWithShellPrompt(this.#screenTail())
      const how = await this.#until(options.signal, () => this.#promptSeq !== before || promptBack())
      if (how === 'aborted')
        return await this.#interruptProgram(program)
      if (how === 'exited')
        return this.#terminal.exit!.exitCode
      if (this.#promptSeq !== before) {
        // The program ended: the shell's prompt is back.
        this.#program = undefined
        await program.engine.afterLeave()
        this.#ended = { step: program.opener, why: `ended (the line "${step.command}" left it)` }
        // A bare `exit` passes on the status of the line before it, which was judged there.
        return /^exit\s*$/.test(step.command.trim()) ? judgedExitCode(step, this.#shown) : this.#status ?? 0
      }
      this.#held = this.#partial
      this.#partial = ''
      return judgedExitCode(step, this.#shown)
    }
    finally {
      this.#release(removers)
    }
  }

  /** Back at the shell's prompt: a program that holds the terminal is left as a presenter
   *  leaves it (Ctrl-P Ctrl-Q), or stopped when it does not go. Its prompt is not shown: no line
   *  is typed after it. */
  async leaveProgram(): Promise<void> {
    const program = this.#program
    if (!program || this.exited)
      return
    this.#program = undefined
    this.#ended = { step: program.opener, why: 'been left (Ctrl-P Ctrl-Q) for a later shell line' }
    this.#held = ''
    const before = this.#promptSeq
    const back = () => this.#promptSeq !== before
    const never = new AbortController().signal
    this.#terminal.write(DETACH_KEYS)
    if (await this.#until(never, back, STOP_STAGE_MS) === 'timeout') {
      await program.engine.stop()
      if (await this.#until(never, back, STOP_STAGE_MS) === 'timeout') {
        await killChildren(this.pid)
        await this.#until(never, back, STOP_STAGE_MS)
      }
    }
    await program.engine.afterLeave()
  }

  /** Ends the shell and what runs in it; safe to call twice. */
  async close(): Promise<void> {
    if (!this.exited)
      await killChildren(this.pid)
    await this.#terminal.kill()
    this.#removeData()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /** Why a container line has no program to go to, naming the line to run again. */
  #noProgram(step: Step): DemoError {
    const where = `Step ${step.index} (${step.loc.file}:${step.loc.line}, "${step.prompt}${step.command}")`
    const ended = this.#ended
    if (ended)
      return new DemoError('STEP_FAILED', `${where} types into the program that line ${ended.step.loc.line} started ("${ended.step.command}"), but that program has ${ended.why}. Run line ${ended.step.loc.line} again, then this one.`)
    return new DemoError('STEP_FAILED', `${where} types into a container's shell, but no line of this demo has opened one: run the line that opens it ("docker run -it", "docker exec -it" or "docker attach") first.`)
  }

  /** Cancel or timeout of a shell line: Ctrl-C, as a presenter would; then what the line started
   *  on the engine; then its processes; last, the shell itself (the next line gets a new one,
   *  with this one's state). */
  async #stopLine(engine: EngineSide): Promise<number> {
    const before = this.#promptSeq
    const back = () => this.#promptSeq !== before
    const never = new AbortController().signal
    this.#program = undefined
    this.#terminal.write(CTRL_C)
    await this.#until(never, back, STOP_STAGE_MS)
    // Also when the line ended: an exec's process outlives its CLI, a container its `run`.
    await engine.stop()
    if (await this.#until(never, back, STOP_STAGE_MS) !== 'timeout')
      return this.#status ?? 130
    await killChildren(this.pid)
    if (await this.#until(never, back, STOP_STAGE_MS) !== 'timeout')
      return this.#status ?? 137
    await this.close()
    return 137
  }

  /** Cancel of a container line: Ctrl-C to what runs in the program's shell; if its prompt does
   *  not come back, the program is stopped and left. */
  async #interruptProgram(program: ProgramInTerminal): Promise<number> {
    if (await this.#interruptedToPrompt())
      return 130
    await program.engine.stop()
    await this.leaveProgram()
    return 130
  }

  /** Ctrl-C to a program that has the terminal; true when its prompt came back (held for the
   *  next line). */
  async #interruptedToPrompt(): Promise<boolean> {
    const start = this.#shown.length + this.#partial.length
    const before = this.#promptSeq
    this.#terminal.write(CTRL_C)
    const promptBack = () => this.#shown.length + this.#partial.length > start && this.#quietFor(PROMPT_QUIET_MS) && endsWithShellPrompt(this.#screenTail())
    const how = await this.#until(new AbortController().signal, () => this.#promptSeq !== before || promptBack(), STOP_STAGE_MS * 1.5)
    if (how !== 'done' || this.#promptSeq !== before)
      return false
    this.#held = this.#partial
    this.#partial = ''
    return true
  }

  #notReady(how: 'exited' | 'aborted' | 'timeout'): number {
    if (how === 'exited')
      return this.#terminal.exit!.exitCode
    if (how === 'aborted')
      return 130
    throw new DemoError('INTERNAL', `The demo's shell did not come back to its prompt within ${START_TIMEOUT_MS / 1000} s; reset the demo to start a new one.`)
  }

  #use(io: StepIO, options: TypeOptions): Array<() => void> {
    this.#shown = ''
    this.#partial = ''
    this.#detachTyped = false
    this.#writer = io.write
    const held = this.#held
    this.#held = ''
    this.#show(held)
    const removers = [io.onResize((cols, rows) => this.#terminal.resize(cols, rows))]
    if (options.interactive) {
      removers.push(io.onInput((data) => {
        if (data.includes(DETACH_KEYS))
          this.#detachTyped = true
        this.#terminal.write(data)
      }))
    }
    return removers
  }

  #release(removers: Array<() => void>): void {
    if (this.#partial && !endsWithShellPrompt(this.#partial))
      this.#show(this.#partial)
    else if (this.#partial)
      this.#held = this.#partial + this.#held
    this.#partial = ''
    this.#holdPartial = false
    this.#writer = undefined
    for (const remove of removers)
      remove()
  }

  /** Types a line as a presenter would: at once, or a character at a time. */
  async #type(line: string, options: TypeOptions): Promise<void> {
    const keys = [...line].map(char => (char === '\t' ? QUOTED_INSERT + char : char))
    if (options.typingMs <= 0) {
      this.#terminal.write(keys.join(''))
      return
    }
    for (const key of keys) {
      if (options.signal.aborted || this.exited)
        return
      this.#terminal.write(key)
      await sleep(options.typingMs)
    }
  }

  #data(data: string): void {
    this.#lastOutputAt = Date.now()
    for (const piece of this.#scanner.feed(data)) {
      if ('mark' in piece)
        this.#mark(piece.mark)
      else
        this.#text(piece.text)
    }
    for (const wake of this.#waiters)
      wake()
  }

  #mark(mark: ShellMark): void {
    switch (mark.kind) {
      case 'A':
        // The prompt after a line: that line is over, and what follows waits for the next step.
        if (this.#phase !== 'starting')
          this.#promptSeq += 1
        this.#flushPartial()
        this.#phase = 'prompt'
        break
      case 'B':
        this.#phase = 'ready'
        break
      case 'C':
        this.#phase = 'running'
        break
      case 'D':
        this.#status = mark.status
        break
    }
  }

  #text(text: string): void {
    if (!this.#writer || this.#phase === 'prompt' || this.#phase === 'starting') {
      this.#held += text
      return
    }
    if (!this.#holdPartial) {
      this.#show(text)
      return
    }
    const { lines, partial } = splitPartialLine(this.#partial + text)
    this.#partial = partial
    if (lines)
      this.#show(lines)
  }

  #flushPartial(): void {
    if (this.#partial) {
      const partial = this.#partial
      this.#partial = ''
      this.#show(partial)
    }
  }

  #show(text: string): void {
    if (!text || !this.#writer)
      return
    if (this.#shown.length < SHOWN_LIMIT)
      this.#shown += text
    this.#writer(text)
  }

  /** The end of what the step shows, held partial line included: where a prompt would be. */
  #screenTail(): string {
    return this.#shown.slice(-TAIL_CHARS) + this.#partial
  }

  #quietFor(ms: number): boolean {
    return Date.now() - this.#lastOutputAt >= ms
  }

  /** Polls `done` until it holds, the shell exits, the signal aborts or `timeoutMs` passes; shows
   *  a held partial line that is not a prompt once output has been quiet for a moment. */
  async #until(signal: AbortSignal, done: () => boolean, timeoutMs = Number.POSITIVE_INFINITY): Promise<'done' | 'exited' | 'aborted' | 'timeout'> {
    const end = Date.now() + timeoutMs
    let wake = () => {}
    const removeAbort = onAbort(signal, () => wake())
    // Output and marks wake the wait at once: a line's end is seen when it comes, not a poll later.
    const onOutput = () => wake()
    this.#waiters.add(onOutput)
    let live = true
    void this.#terminal.exited.then(() => { if (live) wake() })
    try {
      for (;;) {
        if (done())
          return 'done'
        if (this.exited) {
          this.#flushPartial()
          return 'exited'
        }
        if (signal.aborted)
          return 'aborted'
        if (Date.now() >= end)
          return 'timeout'
        if (this.#partial && this.#quietFor(PARTIAL_QUIET_MS) && !endsWithShellPrompt(this.#partial))
          this.#flushPartial()
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS)
          wake = () => { clearTimeout(timer); resolve() }
        })
      }
    }
    finally {
      live = false
      removeAbort()
      this.#waiters.delete(onOutput)
    }
  }
}

/** What a line typed into a program "exited" with: its shell does not say, so `expect-fail` is
 *  judged on the text. */
export function judgedExitCode(step: Step, shown: string): number {
  const expectFail = step.options.expectFail
  if (expectFail === undefined)
    return 0
  if (expectFail === true)
    return 1
  return shown.replaceAll('\r', '').includes(expectFail) ? 1 : 0
}
