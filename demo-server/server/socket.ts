/**
 * The WebSocket edge: one `ws` server in noServer mode, handed the upgrades for PROTOCOL_PATH by
 * whichever HTTP server hosts it (Vite's, or the standalone one). Validates every frame before
 * any effect, checks the token on control messages, and routes the run manager's events to the
 * windows that watch each demo.
 *
 * Viewers can never shut the presenter out: presenter windows have slots of their own
 * (window-pool.ts), a window that stops reading is found by its pings (liveness.ts) or its
 * backlog and dropped, and every frame that goes to many windows is one shared buffer.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { RawData } from 'ws'
import { WebSocket, WebSocketServer } from 'ws'
import type { Deck } from '../deck/model.ts'
import type { ClientMessage, ControlRequest, ErrorPayload, ServerMessage, StatusMessage } from '../protocol.ts'
import { CLOSE_TOO_SLOW, CLOSE_TOO_SLOW_REASON, CONTROL_TYPES, DemoError, isControlRequest, MAX_MESSAGE_BYTES, parseClientMessage, PROTOCOL_PATH, toErrorPayload } from '../protocol.ts'
import type { OriginPolicy } from './origin.ts'
import { refuseHandshake, withoutUndefined } from './internal.ts'
import { Liveness } from './liveness.ts'
import { isLoopback, pathOf, refuseUpgrade } from './origin.ts'
import type { RunEvent, RunManager } from './run-manager.ts'
import { findDemo } from './run-manager.ts'
import type { WindowLimits, WindowRole } from './window-pool.ts'
import { DEFAULT_WINDOW_LIMITS, WindowPool } from './window-pool.ts'

export interface SocketServerOptions {
  manager: RunManager
  token: string
  policy: OriginPolicy
  status: () => StatusMessage
  deck: () => Deck
  /** Whether an upgrade comes from the presenter (auth.ts: a session cookie, or the token as
   *  Bearer): it then takes a presenter slot, which viewers cannot fill. Default: nobody is. */
  isPresenter?: (req: IncomingMessage) => boolean
  /** From an answered ping to the next. */
  heartbeatMs?: number
  /** A ping unanswered this long drops the window; the first goes out on connect. Default:
   *  10 s, or heartbeatMs when that is shorter. */
  pongTimeoutMs?: number
  /** A window this far behind on output is dropped (CLOSE_TOO_SLOW); it gets a snapshot when it
   *  reconnects. */
  maxBufferedBytes?: number
  /** How long a dropped window's close handshake may take before its socket is destroyed. Its
   *  slot is free at once. */
  dropGraceMs?: number
  /** Windows at once, per pool; more are refused with 503. */
  windowLimits?: Partial<WindowLimits>
  log?: (line: string) => void
}

type Settings = Required<Omit<SocketServerOptions, 'windowLimits'>>

interface Client {
  socket: WebSocket
  role: WindowRole
  subscriptions: Set<string>
  liveness: Liveness
}

export class SocketServer {
  readonly #wss: WebSocketServer
  readonly #clients: WindowPool<Client>
  readonly #options: Settings
  readonly #token: Buffer
  readonly #removeEventListener: () => void
  #closed = false

  constructor(options: SocketServerOptions) {
    const { windowLimits, ...rest } = options
    this.#options = {
      isPresenter: () => false,
      heartbeatMs: 30_000,
      pongTimeoutMs: Math.min(10_000, options.heartbeatMs ?? Infinity),
      maxBufferedBytes: 16 * 1024 * 1024,
      dropGraceMs: 5_000,
      log: () => {},
      ...withoutUndefined(rest),
    }
    this.#clients = new WindowPool({ ...DEFAULT_WINDOW_LIMITS, ...withoutUndefined(windowLimits ?? {}) })
    this.#token = digest(options.token)
    // ws closes a connection whose frame exceeds maxPayload (close code 1009) before any
    // handler runs; see CLOSE_TOO_LARGE in protocol.ts.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, clientTracking: false })
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
    const role = this.#roleOf(req)
    const address = addressKey(req.socket.remoteAddress)
    const full = this.#clients.refusal(role, address)
    if (full) {
      this.#options.log(`refused a ${role} window: ${full}`)
      refuseHandshake(socket, 503, `Service Unavailable: ${full}\n`)
      return true
    }
    // Synchronous without verifyClient: the slot is taken before the next upgrade is looked at.
    this.#wss.handleUpgrade(req, socket, head, ws => this.#accept(ws, role, address))
    return true
  }

  broadcastStatus(): void {
    const frame = frameOf(this.#options.status())
    for (const client of this.#clients)
      this.#sendFrame(client, frame)
  }

  /** Windows holding a slot (all, or of one role). */
  windowCount(role?: WindowRole): number {
    return this.#clients.count(role)
  }

  /** Closes every window's socket; safe to call twice. */
  close(): void {
    if (this.#closed)
      return
    this.#closed = true
    this.#removeEventListener()
    for (const client of [...this.#clients]) {
      this.#release(client)
      this.#closeWithin(client.socket, 1001, 'demo server shutting down')
    }
    this.#wss.close()
  }

  // -------------------------------------------------------------------------------------------

  #roleOf(req: IncomingMessage): WindowRole {
    try {
      return this.#options.isPresenter(req) ? 'presenter' : 'viewer'
    }
    catch (error) {
      this.#options.log(`could not tell whether a window is the presenter's (taken as a viewer): ${error instanceof Error ? error.message : String(error)}`)
      return 'viewer'
    }
  }

  #accept(socket: WebSocket, role: WindowRole, address: string): void {
    const { heartbeatMs: intervalMs, pongTimeoutMs: timeoutMs } = this.#options
    const client: Client = {
      socket,
      role,
      subscriptions: new Set(),
      liveness: new Liveness(socket, { intervalMs, timeoutMs }, (waited) => {
        this.#options.log(`dropping a ${role} window that did not answer a ping within ${waited} ms`)
        this.#release(client)
        socket.terminate() // it does not read: a close frame would never be seen
      }),
    }
    this.#clients.add(client, role, address)
    const onMessage = (data: RawData, isBinary: boolean) => this.#receive(client, data, isBinary)
    const onError = (error: Error) => this.#options.log(`a window's socket failed: ${error.message}`)
    socket.on('message', onMessage)
    socket.on('error', onError)
    socket.once('close', () => {
      socket.off('message', onMessage)
      socket.off('error', onError)
      this.#release(client)
    })
    this.#send(client, this.#options.status())
  }

  /** Frees the window's slot and everything held for it; safe to call twice (a dropped window
   *  is released at once, and again when its socket finally closes). */
  #release(client: Client): void {
    client.liveness.stop()
    client.subscriptions.clear()
    if (!this.#clients.has(client))
      return
    this.#clients.delete(client)
    // Nobody is left to type into a terminal or to end it: stop it rather than leak an exec.
    if (this.#clients.count() === 0)
      this.#options.manager.cancelInteractive('the last window disconnected')
  }

  /** Drops a window that fell behind, with a reason it can show if it catches up enough to read
   *  it; destroyed after the grace period if it does not. */
  #dropSlow(client: Client): void {
    const { socket } = client
    this.#options.log(`dropping a ${client.role} window that is ${socket.bufferedAmount} bytes behind (at most ${this.#options.maxBufferedBytes}); it gets a snapshot when it reconnects`)
    this.#release(client)
    this.#closeWithin(socket, CLOSE_TOO_SLOW, CLOSE_TOO_SLOW_REASON)
  }

  /** Closes with a code, and destroys the socket if the peer has not finished the close
   *  handshake within dropGraceMs (ws alone would wait 30 s for a peer that does not read). */
  #closeWithin(socket: WebSocket, code: number, reason: string): void {
    socket.close(code, reason)
    const grace = setTimeout(() => socket.terminate(), this.#options.dropGraceMs)
    grace.unref()
    socket.once('close', () => clearTimeout(grace))
  }

  #receive(client: Client, data: RawData, isBinary: boolean): void {
    if (!this.#clients.has(client))
      return // dropped, its close under way: it may no longer act
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
    this.#sendFrame(client, this.#options.manager.snapshotFrame(demoId))
  }

  #route(event: RunEvent): void {
    let frame: Buffer | undefined // serialized once, for however many windows watch
    for (const client of this.#clients) {
      if (event.demoId === undefined || client.subscriptions.has(event.demoId))
        this.#sendFrame(client, frame ??= frameOf(event))
    }
  }

  #send(client: Client, message: ServerMessage): void {
    this.#sendFrame(client, frameOf(message))
  }

  /** `frame` may be shared by many windows: ws writes a Buffer as is (a server does not mask),
   *  so a backlog holds references to it, not copies. */
  #sendFrame(client: Client, frame: Buffer): void {
    const socket = client.socket
    if (socket.readyState !== WebSocket.OPEN || !this.#clients.has(client))
      return
    if (socket.bufferedAmount > this.#options.maxBufferedBytes) {
      this.#dropSlow(client)
      return
    }
    socket.send(frame, { binary: false })
  }

  #sendError(client: Client, error: ErrorPayload, context: ErrorContext = {}): void {
    const { request, demoId } = context
    this.#send(client, { type: 'error', ...error, ...(request !== undefined ? { request } : {}), ...(demoId !== undefined ? { demoId } : {}) })
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
  return new DemoError('UNAUTHORIZED', `"${type}" needs the presenter's token; this window may only watch. To control, open the login URL that "npm start" printed (a fresh one: npm run demo -- login).`)
}

/** A message as the UTF-8 bytes of one text frame. */
function frameOf(message: ServerMessage): Buffer {
  return Buffer.from(JSON.stringify(message))
}

function textOf(data: RawData): string {
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8')
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** Whose windows count together: one remote address, or this machine (every loopback address). */
function addressKey(address: string | undefined): string {
  return isLoopback(address) ? 'this machine' : (address ?? 'an unknown address')
}
