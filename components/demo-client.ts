/**
 * One connection per browser window to the demo server: a WebSocket at PROTOCOL_PATH that
 * reconnects with backoff, and the token (from TOKEN_PATH) that makes this window a controller.
 * All demos on all slides share it; their state lives in one reactive ClientState.
 *
 * The socket and fetch are injected, so the tests drive it with fakes; the deck uses
 * `sharedDemoClient()`, created on first use.
 */
import type { InjectionKey } from 'vue'
import type { ClientMessage, ErrorPayload, ServerMessage } from '../demo-server/protocol.ts'
import type { ClientState } from './demo-state.ts'
import { inject, reactive } from 'vue'
import { CLOSE_TOO_SLOW, PROTOCOL_PATH, splitInput, TOKEN_PATH } from '../demo-server/protocol.ts'
import { applyServerMessage, createClientState, demoView, pushError } from './demo-state.ts'

/** The part of the browser's WebSocket that the client uses. */
export interface SocketLike {
  readyState: number
  onopen: ((ev: unknown) => void) | null
  /** A browser passes a CloseEvent: its `code` says why the server closed (protocol.ts). */
  onclose: ((ev: unknown) => void) | null
  onerror: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  send: (data: string) => void
  close: () => void
}

export type SocketFactory = (url: string) => SocketLike
export type TokenFetch = (url: string, init: { credentials: 'same-origin' }) => Promise<{ status: number, json: () => Promise<unknown>, text: () => Promise<string> }>

/**
 * - idle: not started yet, or disposed
 * - connecting: no connection yet (first attempt, or retrying before the first success)
 * - open: connected
 * - unavailable: the last attempt failed; retrying with backoff
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'unavailable'

/** 'unknown' until the token answer; 'viewer' when refused (403) or the server has no token. */
export type Role = 'unknown' | 'controller' | 'viewer'

export interface DemoClientOptions {
  url: string
  tokenUrl: string
  createSocket: SocketFactory
  fetchToken: TokenFetch
  /** First retry delay; doubles up to maxDelayMs. */
  initialDelayMs?: number
  maxDelayMs?: number
}

export interface DemoClientState extends ClientState {
  connection: ConnectionState
  role: Role
}

const OPEN = 1

export class DemoClient {
  readonly state: DemoClientState
  private socket?: SocketLike
  private token?: string
  private readonly subscriptions = new Map<string, number>()
  private retryTimer?: ReturnType<typeof setTimeout>
  private delay: number
  private disposed = false

  constructor(private readonly options: DemoClientOptions) {
    this.state = reactive({ ...createClientState(), connection: 'idle', role: 'unknown' }) as DemoClientState
    this.delay = options.initialDelayMs ?? 500
  }

  /** Connects unless already connected or connecting. Idempotent. */
  start(): void {
    if (this.disposed || this.socket || this.retryTimer)
      return
    this.connect()
  }

  /** Watches a demo; returns the function that stops watching. Counted: several components may
   *  watch one demo, and the last to leave unsubscribes. */
  subscribe(demoId: string): () => void {
    this.start()
    const count = this.subscriptions.get(demoId) ?? 0
    this.subscriptions.set(demoId, count + 1)
    if (count === 0) {
      demoView(this.state, demoId).synced = false
      this.send({ type: 'subscribe', demoId })
    }
    let done = false
    return () => {
      if (done)
        return
      done = true
      const left = (this.subscriptions.get(demoId) ?? 1) - 1
      if (left > 0) {
        this.subscriptions.set(demoId, left)
        return
      }
      this.subscriptions.delete(demoId)
      this.send({ type: 'unsubscribe', demoId })
    }
  }

  /** `terminal`: open a TTY this window may type into (steps that enter a container). */
  run(demoId: string, step?: number, terminal?: { cols: number, rows: number }): boolean {
    return this.control(demoId, token => ({
      type: 'run',
      token,
      demoId,
      ...(step === undefined ? {} : { step }),
      ...(terminal ? { interactive: true, cols: terminal.cols, rows: terminal.rows } : {}),
    }))
  }

  /** Keystrokes for an interactive run of `demoId`. */
  /** A large paste goes as several messages: one would exceed the server's size limit. */
  input(demoId: string, runId: string, data: string): boolean {
    return splitInput(data).every(part => this.control(demoId, token => ({ type: 'input', token, runId, data: part })))
  }

  cancel(demoId: string): boolean {
    return this.control(demoId, token => ({ type: 'cancel', token, demoId }))
  }

  reset(demoId?: string): boolean {
    return this.control(demoId, token => ({ type: 'reset', token, ...(demoId === undefined ? {} : { demoId }) }))
  }

  dispose(): void {
    this.disposed = true
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    const socket = this.socket
    this.socket = undefined
    if (socket) {
      socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null
      socket.close()
    }
    this.state.connection = 'idle'
  }

  [Symbol.dispose](): void {
    this.dispose()
  }

  private control(demoId: string | undefined, build: (token: string) => ClientMessage): boolean {
    const errors = demoId === undefined ? this.state.errors : demoView(this.state, demoId).errors
    if (!this.token) {
      pushError(errors, { code: 'UNAUTHORIZED', message: 'This window has no control token: it can only watch.' })
      return false
    }
    if (this.socket?.readyState !== OPEN) {
      pushError(errors, { code: 'ENGINE_UNAVAILABLE', message: 'Not connected to the demo server; it is retrying.' })
      return false
    }
    errors.length = 0 // a new request: the old refusals are no longer news
    this.send(build(this.token))
    return true
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === OPEN)
      this.socket.send(JSON.stringify(message))
    // Otherwise nothing to do: subscriptions are replayed on open, controls are refused above.
  }

  private connect(): void {
    this.retryTimer = undefined
    if (this.state.connection !== 'unavailable')
      this.state.connection = 'connecting'
    let socket: SocketLike
    try {
      socket = this.options.createSocket(this.options.url)
    }
    catch {
      this.scheduleRetry()
      return
    }
    this.socket = socket
    socket.onopen = () => {
      this.delay = this.options.initialDelayMs ?? 500
      this.state.connection = 'open'
      for (const demoId of this.subscriptions.keys()) {
        demoView(this.state, demoId).synced = false
        this.send({ type: 'subscribe', demoId })
      }
      // Every open: a restarted server has a new per-launch token.
      void this.refreshToken()
    }
    socket.onmessage = (ev) => {
      const message = parseServerMessage(ev.data)
      if (!message)
        return
      applyServerMessage(this.state, message)
      if (message.type === 'error' && message.code === 'UNAUTHORIZED')
        void this.refreshToken()
    }
    socket.onerror = () => {} // onclose follows and decides
    socket.onclose = (ev) => {
      if (this.socket !== socket)
        return
      this.socket = undefined
      const dropped = closeReason(ev)
      if (dropped) {
        pushError(this.state.errors, dropped)
        // Straight back would likely fall behind again: give the network a moment.
        this.delay = this.options.maxDelayMs ?? 5_000
      }
      this.scheduleRetry()
    }
  }

  private scheduleRetry(): void {
    if (this.disposed)
      return
    this.state.connection = 'unavailable'
    const delay = this.delay
    this.delay = Math.min(this.delay * 2, this.options.maxDelayMs ?? 5_000)
    this.retryTimer = setTimeout(() => this.connect(), delay)
  }

  private async refreshToken(): Promise<void> {
    try {
      const res = await this.options.fetchToken(this.options.tokenUrl, { credentials: 'same-origin' })
      // A refusal's body is read too: an unread one keeps the request open in some browsers.
      const body = res.status === 200 ? await res.json() : await res.text().then(() => undefined)
      const token = (body as { token?: unknown } | undefined)?.token
      this.token = typeof token === 'string' && token.length > 0 ? token : undefined
    }
    catch {
      // Static hosting answers with its index.html or nothing at all: no control.
      this.token = undefined
    }
    this.state.role = this.token ? 'controller' : 'viewer'
  }
}

/** What to show when the server closed this window on purpose, from its close code. */
export function closeReason(ev: unknown): ErrorPayload | undefined {
  const code = (ev as { code?: unknown } | null)?.code
  if (code === CLOSE_TOO_SLOW)
    return { code: 'TOO_SLOW', message: 'This window fell too far behind the demo output and was disconnected; it reconnects in a few seconds and gets the demos\' history again.' }
  return undefined
}

/** A frame from the server, or undefined for anything that is not a typed message. */
function parseServerMessage(data: unknown): ServerMessage | undefined {
  if (typeof data !== 'string')
    return undefined
  try {
    const value = JSON.parse(data) as unknown
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string')
      return value as ServerMessage
  }
  catch {}
  return undefined
}

/** `ws(s)://<this origin>${PROTOCOL_PATH}` */
export function protocolUrl(location: { protocol: string, host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${PROTOCOL_PATH}`
}

export const demoClientKey: InjectionKey<DemoClient> = Symbol('docker-demo-client')

let shared: DemoClient | undefined

/** The window's one client. Lazily created so print mode and tests never open a socket. */
export function sharedDemoClient(): DemoClient {
  shared ??= new DemoClient({
    url: protocolUrl(window.location),
    tokenUrl: TOKEN_PATH,
    createSocket: url => new WebSocket(url) as unknown as SocketLike,
    fetchToken: (url, init) => fetch(url, init),
  })
  return shared
}

// Editing this module in dev re-runs it: close the old socket rather than leave it open beside the new one.
if (import.meta.hot) {
  import.meta.hot.dispose(() => {
    shared?.dispose()
    shared = undefined
  })
}

/** The client provided by an ancestor (tests provide a fake), else the window's shared one. */
export function useDemoClient(): DemoClient {
  return inject(demoClientKey, null) ?? sharedDemoClient()
}
