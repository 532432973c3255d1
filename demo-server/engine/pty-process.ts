/**
 * One process in a pseudo-terminal: spawn, output, input, resize, stop, exit code, behind one
 * small class (the shape of VS Code's terminalProcess.ts, named in /work/shared/STYLE.md). The
 * docker CLI runs in it so that colours, progress bars and full-screen commands behave as in the
 * presenter's own terminal.
 */
import pty from '@lydell/node-pty'
import type { IDisposable, IPty } from '@lydell/node-pty'

export interface PtySpawnOptions {
  cols: number
  rows: number
  env: Record<string, string>
  cwd: string
}

export interface PtyExit {
  /** The process's exit code; 128 + N when signal N ended it, as a shell reports it. */
  exitCode: number
  signal?: number
}

/** Input goes out in pieces this big, 5 ms apart: a big paste cannot stall the event loop or
 *  overrun the terminal's input buffer (4 KiB on Linux and macOS; VS Code writes 50 characters
 *  every 5 ms, for Windows' conpty). A typed line of a deck goes out at once. */
export const WRITE_CHUNK_CHARS = 1024
const WRITE_INTERVAL_MS = 5
/** How long a process has between SIGINT and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 1000

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 }

export class PtyProcess implements AsyncDisposable {
  readonly exited: Promise<PtyExit>
  #exit: PtyExit | undefined
  readonly #pty: IPty
  readonly #queue: string[] = []
  #flushing: NodeJS.Timeout | undefined
  readonly #disposables: IDisposable[] = []

  private constructor(ptyProcess: IPty) {
    this.#pty = ptyProcess
    this.exited = new Promise((resolve) => {
      this.#disposables.push(ptyProcess.onExit(({ exitCode, signal }) => {
        this.#exit = signal ? { exitCode: exitCode || 128 + signal, signal } : { exitCode }
        this.#stopFlushing()
        resolve(this.#exit)
      }))
    })
  }

  /** Starts `file` with `argv` (no shell) in a terminal of cols x rows. */
  static spawn(file: string, argv: string[], options: PtySpawnOptions): PtyProcess {
    return new PtyProcess(pty.spawn(file, argv, {
      name: options.env.TERM ?? 'xterm-256color',
      cols: options.cols,
      rows: options.rows,
      cwd: options.cwd,
      env: options.env,
      encoding: 'utf8',
    }))
  }

  get pid(): number {
    return this.#pty.pid
  }

  /** The exit, once the process has ended (undefined while it runs). */
  get exit(): PtyExit | undefined {
    return this.#exit
  }

  /** Terminal output as it comes; returns the remover. */
  onData(listener: (data: string) => void): () => void {
    const disposable = this.#pty.onData(listener)
    return () => disposable.dispose()
  }

  /** Queued, and written in chunks of WRITE_CHUNK_CHARS, in order. */
  write(data: string): void {
    if (this.#exit || data.length === 0)
      return
    for (let i = 0; i < data.length; i += WRITE_CHUNK_CHARS)
      this.#queue.push(data.slice(i, i + WRITE_CHUNK_CHARS))
    if (!this.#flushing)
      this.#flush()
  }

  resize(cols: number, rows: number): void {
    if (this.#exit || cols < 1 || rows < 1)
      return
    try {
      this.#pty.resize(Math.floor(cols), Math.floor(rows))
    }
    catch {
      // The process ended between the check and the call: nothing to resize.
    }
  }

  /** Sends one signal (default SIGHUP, as closing a terminal does). */
  signal(name: keyof typeof SIGNAL_NUMBERS = 'SIGHUP'): void {
    if (this.#exit)
      return
    try {
      this.#pty.kill(name)
    }
    catch {
      // Already gone.
    }
  }

  /** SIGINT, then SIGKILL after `graceMs`; resolves with the exit. Safe to call twice. */
  async kill(graceMs = DEFAULT_KILL_GRACE_MS): Promise<PtyExit> {
    if (this.#exit)
      return this.#exit
    this.signal('SIGINT')
    let timer: NodeJS.Timeout | undefined
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.signal('SIGKILL')
        resolve()
      }, graceMs)
    })
    await Promise.race([this.exited, forced])
    clearTimeout(timer)
    return this.exited
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill()
    for (const disposable of this.#disposables.splice(0))
      disposable.dispose()
  }

  #flush(): void {
    const chunk = this.#queue.shift()
    if (chunk === undefined || this.#exit) {
      this.#stopFlushing()
      return
    }
    this.#pty.write(chunk)
    this.#flushing = setTimeout(() => this.#flush(), this.#queue.length > 0 ? WRITE_INTERVAL_MS : 0)
  }

  #stopFlushing(): void {
    clearTimeout(this.#flushing)
    this.#flushing = undefined
    if (this.#exit)
      this.#queue.length = 0
  }
}
