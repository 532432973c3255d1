/**
 * Puts dev-server-guard.ts in front of Slidev's and Vite's own endpoints: a middleware at the
 * head of the stack for HTTP, a wrapper around the server's 'upgrade' event for WebSockets, and
 * the frame headers on every response. The decisions are pure; this file only reads requests,
 * answers 403 and logs each kind of refusal once.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { UserConfig, ViteDevServer } from 'vite'
import type { PresenterAuth } from './auth.ts'
import type { RefusalKind, RequestFacts } from './dev-server-guard.ts'
import { PROTOCOL_PATH } from '../protocol.ts'
import { decideUpgrade, FRAME_HEADERS, isWrite, refuseWrite } from './dev-server-guard.ts'
import { refuseHandshake } from './internal.ts'
import { createOriginPolicy, pathOf } from './origin.ts'

/**
 * Vite's default `server.cors` lets any page on any localhost port read every module, and
 * `/@vite/client` carries the HMR socket's token; the deck's own pages need no CORS at all.
 */
export function devServerGuardConfig(): UserConfig {
  return { server: { cors: false } }
}

export interface GuardOptions {
  /** Further host names the deck is reached by (a tunnel): they may only watch. */
  extraHosts?: string[]
  /** Who is the presenter: writes need a session cookie or the token (auth.ts). */
  auth: Pick<PresenterAuth, 'isPresenter'>
  log: (line: string) => void
}

/** The name the guard's middleware has in `server.middlewares.stack` (tests look for it). */
export const GUARD_MIDDLEWARE_NAME = 'dockerDemoDevServerGuard'

/** Installs the guard on a dev server that has an HTTP server, until that server closes;
 *  returns its remover. */
export function guardDevServer(server: ViteDevServer, options: GuardOptions): () => void {
  const httpServer = server.httpServer as Server | null
  if (!httpServer)
    return () => {}
  if (server.config.server.cors !== false)
    options.log(`server.cors is ${JSON.stringify(server.config.server.cors)}: other localhost pages may read the deck's modules; leave it to the docker-demo plugin (false)`)
  const policy = createOriginPolicy(() => httpServer.address(), options.extraHosts)
  const hostSets = () => ({ allowed: policy.allowedHosts(), tunnel: policy.tunnelHosts() })
  const logged = new Set<RefusalKind>()
  const logOnce = (kind: RefusalKind, reason: string) => {
    if (logged.has(kind))
      return
    logged.add(kind)
    options.log(`refused: ${reason} (further refusals of this kind are not logged)`)
  }

  const middleware = Object.defineProperty((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    for (const [name, value] of Object.entries(FRAME_HEADERS))
      res.setHeader(name, value)
    const facts = factsOf(req, options.auth)
    const refusal = isWrite(facts.method, facts.path) ? refuseWrite(facts, hostSets()) : undefined
    if (!refusal)
      return next()
    logOnce(refusal.kind, refusal.reason)
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`Forbidden: ${refusal.reason}\n`)
  }, 'name', { value: GUARD_MIDDLEWARE_NAME })
  // First in the stack: before Vite's CORS (a foreign preflight is refused, not answered) and
  // before every plugin's middleware, whatever order the plugins' hooks ran in.
  server.middlewares.stack.unshift({ route: '', handle: middleware })

  // Node calls every 'upgrade' listener, so a refusing listener cannot stop Vite's HMR one.
  // Wrapping emit guards every listener, also one a plugin adds later.
  const emit = httpServer.emit
  const readOnly = new WeakSet<IncomingMessage>()
  httpServer.emit = function guardedEmit(this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'upgrade')
      return Reflect.apply(emit, this, [event, ...args]) as boolean
    const [req, socket] = args as [IncomingMessage, Duplex]
    const verdict = decideUpgrade({ ...factsOf(req, options.auth), protocol: headerOf(req, 'sec-websocket-protocol') }, hostSets(), PROTOCOL_PATH)
    if (verdict.refusal) {
      logOnce(verdict.refusal.kind, verdict.refusal.reason)
      refuseHandshake(socket, 403, `Forbidden: ${verdict.refusal.reason}\n`)
      return true
    }
    if (verdict.readOnly)
      readOnly.add(req)
    return Reflect.apply(emit, this, [event, ...args]) as boolean
  } as Server['emit']

  // Vite's HMR server hands each socket to 'connection' with its request; messages arrive later,
  // after every plugin's connection listener has run, so filtering emit drops them for all.
  const onConnection = (socket: { emit: (event: string, ...args: unknown[]) => boolean }, req: IncomingMessage) => {
    if (!readOnly.has(req))
      return
    const socketEmit = socket.emit
    socket.emit = (event: string, ...args: unknown[]) => event === 'message' ? false : Reflect.apply(socketEmit, socket, [event, ...args]) as boolean
  }
  server.ws.on('connection', onConnection)

  const remove = () => {
    httpServer.emit = emit
    server.ws.off('connection', onConnection)
    const index = server.middlewares.stack.findIndex(layer => layer.handle === middleware)
    if (index >= 0)
      server.middlewares.stack.splice(index, 1)
  }
  httpServer.once('close', remove)
  return remove
}

function factsOf(req: IncomingMessage, auth: Pick<PresenterAuth, 'isPresenter'>): RequestFacts {
  return {
    presenter: auth.isPresenter(req),
    method: req.method ?? 'GET',
    path: pathOf(req.url) ?? req.url ?? '',
    remoteAddress: req.socket.remoteAddress,
    host: headerOf(req, 'host'),
    origin: headerOf(req, 'origin'),
    secFetchSite: headerOf(req, 'sec-fetch-site'),
    referer: headerOf(req, 'referer'),
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}
