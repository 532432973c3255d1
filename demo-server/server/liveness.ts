/**
 * Whether a window still reads what we send: a ping with a random payload of our own, and only
 * a pong that echoes that payload counts. A peer can send pongs whenever it likes (RFC 6455
 * allows unsolicited ones) without reading a byte; those prove nothing and must not keep it.
 *
 * The first ping goes out at once, so a socket that never reads is found within `timeoutMs` of
 * connecting rather than after a whole interval.
 */
import { randomBytes } from 'node:crypto'
import type { WebSocket } from 'ws'

export interface LivenessTimes {
  /** From an answered ping to the next one. */
  intervalMs: number
  /** How long a ping may go unanswered before the window counts as gone. */
  timeoutMs: number
}

export class Liveness {
  #expected?: Buffer
  #timer?: NodeJS.Timeout
  #stopped = false
  readonly #onPong = (data: Buffer) => this.#answered(data)

  constructor(
    private readonly socket: WebSocket,
    private readonly times: LivenessTimes,
    /** Called once, when a ping goes unanswered. */
    private readonly onSilent: (waitedMs: number) => void,
  ) {
    socket.on('pong', this.#onPong)
    this.#ping()
  }

  /** Clears the timer and the listener; safe to call twice. */
  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#expected = undefined
    this.socket.off('pong', this.#onPong)
  }

  #ping(): void {
    if (this.#stopped)
      return
    this.#expected = randomBytes(8)
    this.socket.ping(this.#expected)
    this.#timer = setTimeout(() => {
      this.stop()
      this.onSilent(this.times.timeoutMs)
    }, this.times.timeoutMs)
    this.#timer.unref()
  }

  #answered(data: Buffer): void {
    if (this.#expected === undefined || !data.equals(this.#expected))
      return
    this.#expected = undefined
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.#ping(), this.times.intervalMs)
    this.#timer.unref()
  }
}
