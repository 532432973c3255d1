/**
 * The WebSocket edge: one `ws` server in noServer mode, handed the upgrades for PROTOCOL_PATH by
 * whichever HTTP server hosts it (Vite's, or the standalone one). Validates every frame before
 * any effect, checks the token on control messages, and routes the run manager's events to the
 * windows that watch each demo.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { RawData } from 'ws'
import { WebSocket, WebSocketServer } from 'ws'
import type { Deck } from '../deck/model'
import type { ClientMessage, ControlRequest, ErrorPayload, ServerMessage, StatusMessage } from '../protocol'
import { CONTROL_TYPES, DemoError, isControlRequest, MAX_MESSAGE_BYTES, parseClientMessage, PROTOCOL_PATH, toErrorPayload } from '../protocol.ts'
import type { OriginPolicy } from './origin'
import { refuseHandshake, withoutUndefined } from './internal.ts'
import { pathOf, refuseUpgrade } from './origin.ts'
import type { RunEvent, RunManager } from './run-manager'
import { findDemo } from './run-manager.ts'

export interface SocketServerOptions {
  manager: RunManager
  token: string
  policy: OriginPolicy
  status: () => StatusMessage
  deck: () => Deck
  /** Ping interval; a window that misses one pong is dropped. */
  heartbeatMs?: number
  /** A window this far behind on output is dropped; it gets a snapshot when it reconnects. */
  maxBufferedBytes?: number
  /** Windows at once; more are refused with 503 (an audience on --remote is not unbounded). */
  maxClients?: number
  log?: (line: string) => void
}

interface Client {
  socket: WebSocket
  subscriptions: Set<string>
  alive: boolean
}

export class SocketServer {
  readonly #wss: WebSocketServer
  readonly #clients = new Set<Client>()
  readonly #options: Required<SocketServerOptions>
  readonly #token: Buffer
  readonly #heartbeat: NodeJS.Timeout
  readonly #removeEventListener: () => void
  #closed = false

  constructor(options: SocketServerOptions) {
    this.#options = { heartbeatMs: 30_000, maxBufferedBytes: 16 * 1024 * 1024, maxClients: 256, log: () => {}, ...withoutUndefined(options) }
    this.#token = digest(options.token)
    // ws closes a connection whose frame exceeds maxPayload (close code 1009) before any
    // handler runs; see CLOSE_TOO_LARGE in protocol.ts.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, clientTracking: false })
    this.#heartbeat = setInterval(() => this.#beat(), this.#options.heartbeatMs)
    this.#heartbeat.unref()
    this.#removeEventListener = options.manager.onEvent(event => this.#route(event))
  }

  /** Takes the upgrade when it is for PROTOCOL_PATH (refusing foreign origins with 403);
   *  returns false, touching nothing, for any other path (Vite's HMR socket). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (pathOf(req.url) !== PROTOCOL_PATH)
      return false
    const refusal = this.#closed ? 'the demo server is shutting down' : refuseUpgrade(req, this.#options.policy)
    if (refusal) {
      this.#options.log(`refused a WebSocket from ${req.headers.origin ?? '(no origin)'}: ${refusal}`)
      refuseHandshake(socket, 403, `Forbidden: ${refusal}\n`)
      return true
    }
    if (this.#clients.size >= this.#options.maxClients) {
      this.#options.log(`refused a window: ${this.#clients.size} are connected already (at most ${this.#options.maxClients})`)
      refuseHandshake(socket, 503, 'Too many windows are watching; try again later.\n')
      return true
    }
    this.#wss.handleUpgrade(req, socket, head, ws => this.#accept(ws))
    return true
  }

  broadcastStatus(): void {
    const status = this.#options.status()
    const frame = JSON.stringify(status)
    for (const client of this.#clients)
      this.#send(client, status, frame)
  }

  get clientCount(): number {
    return this.#clients.size
  }

  /** Closes every window's socket; safe to call twice. */
  close(): void {
    if (this.#closed)
      return
    this.#closed = true
    clearInterval(this.#heartbeat)
    this.#removeEventListener()
    for (const client of this.#clients)
      client.socket.close(1001, 'demo server shutting down')
    this.#wss.close()
  }

  // -------------------------------------------------------------------------------------------

  #accept(socket: WebSocket): void {
    const client: Client = { socket, subscriptions: new Set(), alive: true }
    this.#clients.add(client)
    const onPong = () => {
      client.alive = true
    }
    const onMessage = (data: RawData, isBinary: boolean) => this.#receive(client, data, isBinary)
    const onError = (error: Error) => this.#options.log(`a window's socket failed: ${error.message}`)
    socket.on('pong', onPong)
    socket.on('message', onMessage)
    socket.on('error', onError)
    socket.once('close', () => {
      socket.off('pong', onPong)
      socket.off('message', onMessage)
      socket.off('error', onError)
      client.subscriptions.clear()
      this.#clients.delete(client)
      // Nobody is left to type into a terminal or to end it: stop it rather than leak an exec.
      if (this.#clients.size === 0)
        this.#options.manager.cancelInteractive('the last window disconnected')
    })
    this.#send(client, this.#options.status())
  }

  #receive(client: Client, data: RawData, isBinary: boolean): void {
    let message: ClientMessage
    try {
      if (isBinary)
        throw new DemoError('BAD_MESSAGE', 'Binary frames are not accepted: send one JSON object per text frame.')
      // No size check here: ws has closed a connection whose message exceeds maxPayload.
      message = parseClientMessage(textOf(data))
    }
    catch (error) {
      const peeked = isBinary ? undefined : peek(data)
      this.#sendError(client, toErrorPayload(lacksToken(peeked) ?? error), peeked)
      return
    }
    try {
      if (isControlRequest(message))
        this.#authorize(message)
      this.#handle(client, message)
    }
    catch (error) {
      this.#sendError(client, toErrorPayload(error), { request: message.type, demoId: 'demoId' in message ? message.demoId : undefined })
    }
  }

  #authorize(message: ControlRequest): void {
    if (!timingSafeEqual(digest(message.token), this.#token))
      throw unauthorized(message.type)
  }

  #handle(client: Client, message: ClientMessage): void {
    const manager = this.#options.manager
    switch (message.type) {
      case 'subscribe':
        findDemo(this.#options.deck(), message.demoId) // UNKNOWN_DEMO, with the demos there are
        this.#subscribe(client, message.demoId)
        return
      case 'unsubscribe':
        client.subscriptions.delete(message.demoId)
        return
      case 'run': {
        // Validated and marked busy now; the first event follows on a microtask, after the
        // requester has been subscribed to every demo the sequence runs.
        const sequence = manager.run(message.demoId, { step: message.step, interactive: message.interactive, cols: message.cols, rows: message.rows })
        for (const demoId of sequence.demos)
          this.#subscribe(client, demoId)
        return
      }
      case 'cancel':
        manager.cancel(message.demoId).catch(() => {})
        return
      case 'reset':
        manager.reset(message.demoId).then(
          (done) => {
            // Subscribers got it from the manager; the requester may not be one.
            if (message.demoId !== undefined && !client.subscriptions.has(message.demoId))
              this.#send(client, done)
          },
          error => this.#sendError(client, toErrorPayload(error), { request: 'reset', demoId: message.demoId }),
        )
        return
      case 'input':
        manager.input(message.runId, message.data)
        return
      case 'resize':
        manager.resize(message.runId, message.cols, message.rows)
    }
  }

  /** Subscribes with a snapshot first, so that a late joiner misses nothing and sees nothing
   *  twice (both happen in one tick, between two events). */
  #subscribe(client: Client, demoId: string): void {
    if (client.subscriptions.has(demoId))
      return
    client.subscriptions.add(demoId)
    this.#send(client, this.#options.manager.snapshot(demoId))
  }

  #route(event: RunEvent): void {
    let frame: string | undefined // serialized once, for however many windows watch
    for (const client of this.#clients) {
      if (event.demoId === undefined || client.subscriptions.has(event.demoId))
        this.#send(client, event, frame ??= JSON.stringify(event))
    }
  }

  #send(client: Client, message: ServerMessage, frame?: string): void {
    const socket = client.socket
    if (socket.readyState !== WebSocket.OPEN)
      return
    if (socket.bufferedAmount > this.#options.maxBufferedBytes) {
      this.#options.log(`dropping a window that is ${socket.bufferedAmount} bytes behind; it gets a snapshot when it reconnects`)
      socket.terminate()
      return
    }
    socket.send(frame ?? JSON.stringify(message))
  }

  #sendError(client: Client, error: ErrorPayload, context: ErrorContext = {}): void {
    const { request, demoId } = context
    this.#send(client, { type: 'error', ...error, ...(request !== undefined ? { request } : {}), ...(demoId !== undefined ? { demoId } : {}) })
  }

  #beat(): void {
    for (const client of this.#clients) {
      if (!client.alive) {
        client.socket.terminate()
        continue
      }
      client.alive = false
      client.socket.ping()
    }
  }
}

interface ErrorContext {
  request?: string
  demoId?: string
}

/** The type and demo of a frame that failed validation, when it is JSON enough to tell. */
function peek(data: RawData): (ErrorContext & { hasToken?: true }) | undefined {
  let value: unknown
  try {
    value = JSON.parse(textOf(data))
  }
  catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return undefined
  const { type, demoId, token } = value as Record<string, unknown>
  return {
    ...(typeof type === 'string' && type.length <= 64 ? { request: type } : {}),
    ...(typeof demoId === 'string' && demoId.length <= 256 ? { demoId } : {}),
    ...(typeof token === 'string' && token.length > 0 ? { hasToken: true } : {}),
  }
}

/** A control message without a token is a watcher trying to act: say UNAUTHORIZED rather
 *  than "malformed", so that the slide can tell the presenter to open the deck locally. */
function lacksToken(peeked: (ErrorContext & { hasToken?: true }) | undefined): DemoError | undefined {
  const type = peeked?.request
  if (type === undefined || !(CONTROL_TYPES as readonly string[]).includes(type) || peeked?.hasToken)
    return undefined
  return unauthorized(type)
}

function unauthorized(type: string): DemoError {
  return new DemoError('UNAUTHORIZED', `"${type}" needs the presenter's token; this window may only watch. Open the deck on the presenter's machine (the token is served to loopback only).`)
}

function textOf(data: RawData): string {
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8')
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
