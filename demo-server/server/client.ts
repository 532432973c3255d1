/**
 * A Node client that speaks to the demo server exactly as a slide does: the WebSocket at
 * PROTOCOL_PATH with the deck's Origin, the token on control messages. Used by the CLI and the
 * tests.
 */
import { WebSocket } from 'ws'
import type { ClientMessage, ControlRequest, ErrorMessage, ServerMessage, StatusMessage } from '../protocol.ts'
import { CLOSE_TOO_LARGE, CLOSE_TOO_SLOW, DemoError, MAX_MESSAGE_BYTES } from '../protocol.ts'

type WithoutToken<T> = T extends unknown ? Omit<T, 'token'> : never
export type ControlWithoutToken = WithoutToken<ControlRequest>

export interface ConnectOptions {
  /** The deck's origin; default: the http(s) origin of `url`. */
  origin?: string
  token?: string
  timeoutMs?: number
}

export class NodeDemoClient {
  readonly socket: WebSocket
  readonly token: string | undefined
  /** The latest status. */
  status: StatusMessage
  /** Resolves when the socket closes, with its code (CLOSE_TOO_LARGE: a frame was too large;
   *  CLOSE_TOO_SLOW: this client fell behind on output). */
  readonly closed: Promise<{ code: number, reason: string }>
  readonly #listeners = new Set<(message: ServerMessage) => void>()

  private constructor(socket: WebSocket, status: StatusMessage, token: string | undefined) {
    this.socket = socket
    this.status = status
    this.token = token
    this.closed = new Promise(resolve => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage
      if (message.type === 'status')
        this.status = message
      for (const listener of this.#listeners)
        listener(message)
    })
  }

  /** Connects and waits for the first status message. */
  static connect(url: string, options: ConnectOptions = {}): Promise<NodeDemoClient> {
    const origin = options.origin ?? new URL(url.replace(/^ws/, 'http')).origin
    // The token in the upgrade too: the server then gives this window a presenter slot, which
    // viewers cannot fill.
    const headers: Record<string, string> = options.token !== undefined ? { Authorization: `Bearer ${options.token}` } : {}
    const socket = new WebSocket(url, { origin, headers })
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate()
        reject(new Error(`The demo server at ${url} did not answer within ${(options.timeoutMs ?? 10_000) / 1000} s.`))
      }, options.timeoutMs ?? 10_000)
      socket.once('unexpected-response', (_req, res) => {
        clearTimeout(timer)
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => reject(new Error(`The demo server at ${url} refused the connection (HTTP ${res.statusCode}): ${body.trim()}`)))
      })
      socket.once('error', (error) => {
        clearTimeout(timer)
        reject(new Error(`Cannot connect to the demo server at ${url}: ${error.message}`))
      })
      socket.once('message', (data) => {
        clearTimeout(timer)
        const first = JSON.parse(data.toString()) as ServerMessage
        if (first.type !== 'status') {
          socket.terminate()
          reject(new Error(`The demo server at ${url} sent "${first.type}" before its status.`))
          return
        }
        socket.on('error', () => {}) // reported through `closed`
        resolve(new NodeDemoClient(socket, first, options.token))
      })
    })
  }

  onMessage(listener: (message: ServerMessage) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Sends a message as is (tests use it to send wrong ones). */
  sendRaw(frame: string | Buffer | ClientMessage): void {
    this.socket.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame))
  }

  send(message: ClientMessage): void {
    const frame = JSON.stringify(message)
    if (Buffer.byteLength(frame) > MAX_MESSAGE_BYTES)
      throw new DemoError('TOO_LARGE', `The message is ${Buffer.byteLength(frame)} bytes; the server takes at most ${MAX_MESSAGE_BYTES}.`)
    this.socket.send(frame)
  }

  /** Sends a control message with this client's token. */
  control(message: ControlWithoutToken): void {
    if (this.token === undefined)
      throw new DemoError('UNAUTHORIZED', 'This client has no token: it may only watch.')
    this.send({ ...message, token: this.token } as ControlRequest)
  }

  /** The next message that matches, or a rejection after timeoutMs, or when the socket closes. */
  next<T extends ServerMessage>(predicate: (message: ServerMessage) => message is T, timeoutMs?: number): Promise<T>
  next(predicate: (message: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>
  next(predicate: (message: ServerMessage) => boolean, timeoutMs = 30_000): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer)
        remove()
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`No matching message within ${timeoutMs} ms.`))
      }, timeoutMs)
      const remove = this.onMessage((message) => {
        if (predicate(message)) {
          done()
          resolve(message)
        }
      })
      void this.closed.then(({ code, reason }) => {
        done()
        reject(code === CLOSE_TOO_LARGE
          ? new DemoError('TOO_LARGE', `The server closed the connection: a message was larger than ${MAX_MESSAGE_BYTES} bytes.`)
          : code === CLOSE_TOO_SLOW
            ? new DemoError('TOO_SLOW', `The server closed the connection: ${reason}.`)
            : new Error(`The connection closed (code ${code}) before a matching message arrived.`))
      })
    })
  }

  /** The next error message. */
  nextError(timeoutMs?: number): Promise<ErrorMessage> {
    return this.next((m): m is ErrorMessage => m.type === 'error', timeoutMs)
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED)
      return Promise.resolve()
    this.socket.close()
    return this.closed.then(() => {})
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}
