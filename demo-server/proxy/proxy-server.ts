/**
 * The Engine-API proxy a launch of the docker CLI talks to (DOCKER_HOST=unix://<socket>): a
 * unix socket in a private directory, forwarding what rules.ts allows to the real engine and
 * answering the rest with docker-style errors.
 *
 * Streaming is the default: request bodies (a build context) and answers (logs -f, events, pull
 * progress) pass through without buffering, and the answer's headers are flushed as soon as the
 * engine sends them: the CLI waits for the headers of `POST /containers/{id}/wait` before it
 * sends `start`, and Node holds headers back until the first body byte otherwise. Only the
 * small JSON bodies of creates are read whole, to add labels.
 */
import fs from 'node:fs'
import http from 'node:http'
import type net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import type { ResolvedEndpoint } from '../engine/endpoint.ts'
import { defaultDiscoveryEnv, resolveEndpoint } from '../engine/endpoint.ts'
import type { ActionContext, Plan } from './actions.ts'
import { isRefusal, planFor } from './actions.ts'
import { pipeHijacked, refuseOnSocket } from './hijack.ts'
import { Ownership } from './ownership.ts'
import type { Refusal } from './refusals.ts'
import { badRequest, denied, engineUnreachable, refusalBody, tooLarge } from './refusals.ts'
import type { Json } from './rewrite.ts'
import type { Match } from './rules.ts'
import { matchRequest } from './rules.ts'
import type { CreatedByRun, ProxyScope } from './tracking.ts'
import { CreatedObjects } from './tracking.ts'
import type { Upstream } from './upstream.ts'
import { connectUpstream } from './upstream.ts'

/** Create bodies are a few KB; a cap keeps a runaway client from filling memory. */
export const MAX_JSON_BODY_BYTES = 4 * 1024 * 1024

export interface EngineProxyOptions {
  /** The engine; default: discovered as the docker CLI does (DOCKER_HOST, context, socket). */
  upstream?: ResolvedEndpoint | string
  /** Whose objects these are; a function is asked at every request (the run of the moment). */
  scope: ProxyScope | (() => ProxyScope)
  /** Where to listen; its directory is created 0700 (default: a fresh one under the tmp dir). */
  socketPath?: string
  /** Pulls (and other registry calls) are refused, except from loopback registries. */
  offline?: boolean
  /** One line per refusal and per engine error; quiet by default. */
  log?: (line: string) => void
}

/** A socket of the proxy whose requests carry one scope: each demo's shell gets its own, so that
 *  demos running at once label what they create as theirs. */
export interface ProxyDoor extends AsyncDisposable {
  socketPath: string
  /** For the CLI's environment: DOCKER_HOST=unix://... */
  dockerHost: string
  close: () => Promise<void>
}

export interface EngineProxy extends AsyncDisposable {
  socketPath: string
  /** The engine's own unix socket, when it is one: a deck line naming it would go around us. */
  upstreamSocket?: string
  /** For the CLI's environment: DOCKER_HOST=unix://... */
  dockerHost: string
  setScope: (scope: ProxyScope | (() => ProxyScope)) => void
  /** Another socket, in the proxy's directory, whose requests are scoped by `scope` (asked at
   *  every request). Closed with the proxy, or before. */
  openDoor: (scope: () => ProxyScope) => Promise<ProxyDoor>
  /** Containers and execs that requests of `runId` created, for stopping a cancelled step. */
  createdBy: (runId: string) => CreatedByRun
  /** What the proxy refused while `runId` was the scope (the first 20), for precise errors. */
  refusedFor: (runId: string) => Refusal[]
  /** Stops listening, cuts open streams, removes the socket (and the directory it made). */
  close: () => Promise<void>
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'])

export async function startEngineProxy(options: EngineProxyOptions): Promise<EngineProxy> {
  const resolved = typeof options.upstream === 'object'
    ? options.upstream
    : resolveEndpoint(options.upstream, defaultDiscoveryEnv())
  const upstream = connectUpstream(resolved)
  const created = new CreatedObjects()
  const ownership = new Ownership(upstream, created)
  const log = options.log ?? (() => {})
  let scopeOf = typeof options.scope === 'function' ? options.scope : constant(options.scope)
  const { socketPath, ownDir } = privateSocketPath(options.socketPath)

  const contextFor = (req: http.IncomingMessage, match: Extract<Match, { allowed: true }>, scope: ProxyScope): ActionContext => ({
    method: req.method ?? 'GET',
    path: match.path,
    params: match.params,
    query: match.query,
    scope,
    offline: options.offline ?? false,
    ownership,
    created,
    readJson: () => readJson(req, match.path),
  })

  /** One listening socket; its requests carry the scope `scopeNow` gives at each request. */
  async function listen(socketFile: string, scopeNow: () => ProxyScope): Promise<{ close: () => Promise<void> }> {
    const server = http.createServer((req, res) => {
      handleRequest(req, res, scopeNow()).catch((error: unknown) => {
        answer(res, engineUnreachable(upstream.url, errorText(error)))
      })
    })
    // Builds upload their context and `events` streams for as long as the CLI wants.
    server.requestTimeout = 0
    server.on('upgrade', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      client.pause()
      const scope = scopeNow()
      void handleUpgrade(req, client, head, scope).catch((error: unknown) => {
        refuseOnSocket(client, logged(engineUnreachable(upstream.url, errorText(error)), scope))
      })
    })
    const sockets = new Set<net.Socket>()
    server.on('connection', (socket: net.Socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(socketFile, () => {
        server.off('error', reject)
        resolve()
      })
    })
    // The directory is 0700 already, so nobody else could reach the socket before this chmod.
    fs.chmodSync(socketFile, 0o600)
    let closing: Promise<void> | undefined
    return {
      close: () => closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets)
          socket.destroy()
      }).then(() => fs.rmSync(socketFile, { force: true })),
    }
  }

  async function handleRequest(req: http.IncomingMessage, res: http.ServerResponse, scope: ProxyScope): Promise<void> {
    const method = req.method ?? 'GET'
    const match = matchRequest(method, req.url ?? '/')
    if (!match.allowed)
      return answer(res, logged(denied(method, match.path, match.reason), scope))
    const ctx = contextFor(req, match, scope)
    const plan = await planFor(match.rule.action, ctx)
    if (isRefusal(plan))
      return answer(res, logged(plan, scope))
    if (plan.reply)
      return reply(res, plan.reply.status, JSON.stringify(plan.reply.body))
    forward(req, res, match, plan, scope)
  }

  function forward(req: http.IncomingMessage, res: http.ServerResponse, match: Extract<Match, { allowed: true }>, plan: Plan, scope: ProxyScope): void {
    const url = new URL(req.url ?? '/', 'http://engine')
    const query = plan.query ?? url.searchParams
    const target = `${url.pathname}${query.size > 0 ? `?${query}` : ''}`
    const headers = forwardedHeaders(req.headers)
    const bodyRead = readBodies.get(req)
    const body = plan.body !== undefined ? Buffer.from(JSON.stringify(plan.body)) : bodyRead
    if (body !== undefined) {
      delete headers['transfer-encoding']
      headers['content-length'] = body.length
      headers['content-type'] = 'application/json'
    }
    const engineReq = upstream.request({ method: req.method ?? 'GET', path: target, headers })
    engineReq.on('error', (error) => {
      if (!res.headersSent)
        answer(res, logged(engineUnreachable(upstream.url, errorText(error)), scope))
      else
        res.destroy()
    })
    engineReq.on('response', (engineRes) => {
      void relay(engineRes, res, plan).catch(() => res.destroy())
    })
    // A client that goes away (Ctrl-C on logs -f) ends the engine's stream too.
    res.on('close', () => {
      if (!res.writableFinished)
        engineReq.destroy()
    })
    if (body !== undefined)
      engineReq.end(body)
    else
      req.pipe(engineReq)
    log(`${req.method} ${match.path} -> engine`)
  }

  async function handleUpgrade(req: http.IncomingMessage, client: net.Socket, head: Buffer, scope: ProxyScope): Promise<void> {
    const method = req.method ?? 'GET'
    const match = matchRequest(method, req.url ?? '/')
    if (!match.allowed)
      return refuseOnSocket(client, logged(denied(method, match.path, match.reason), scope))
    if (!match.rule.hijack)
      return refuseOnSocket(client, logged(badRequest(`${method} ${match.path} does not take an Upgrade; only attach, exec start and BuildKit sessions do`), scope))
    const plan = await planFor(match.rule.action, contextFor(req, match, scope))
    if (isRefusal(plan))
      return refuseOnSocket(client, logged(plan, scope))
    pipeHijacked(req, client, head, upstream.connect())
  }

  function logged(refusal: Refusal, scope: ProxyScope): Refusal {
    log(`refused (${refusal.status}): ${refusal.message}`)
    created.addRefusal(scope.runId, refusal)
    return refusal
  }

  const main = await listen(socketPath, () => scopeOf())
  const doors = new Set<{ close: () => Promise<void> }>()
  let doorCount = 0

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= Promise.all([main, ...doors].map(door => door.close())).then(() => {
      upstream.close()
      if (ownDir)
        fs.rmSync(ownDir, { recursive: true, force: true })
    })
    return closing
  }

  const openDoor = async (scope: () => ProxyScope): Promise<ProxyDoor> => {
    const doorPath = path.join(path.dirname(socketPath), `door-${++doorCount}.sock`)
    const door = await listen(doorPath, scope)
    doors.add(door)
    const closeDoor = async () => {
      doors.delete(door)
      await door.close()
    }
    return { socketPath: doorPath, dockerHost: `unix://${doorPath}`, close: closeDoor, [Symbol.asyncDispose]: closeDoor }
  }

  return {
    socketPath,
    ...(resolved.endpoint.kind === 'unix' ? { upstreamSocket: resolved.endpoint.socketPath } : {}),
    dockerHost: `unix://${socketPath}`,
    setScope: (scope) => { scopeOf = typeof scope === 'function' ? scope : constant(scope) },
    createdBy: runId => created.createdBy(runId),
    refusedFor: runId => created.refusedFor(runId),
    openDoor,
    close,
    [Symbol.asyncDispose]: close,
  }
}

function constant(scope: ProxyScope): () => ProxyScope {
  const copy = { ...scope }
  return () => copy
}

/** A socket path in a directory only this user can enter: given (created 0700 if missing, and
 *  refused if others can enter it), or a fresh one. */
function privateSocketPath(requested: string | undefined): { socketPath: string, ownDir: string | undefined } {
  if (!requested) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-demo-proxy-'))
    return { socketPath: path.join(dir, 'engine.sock'), ownDir: dir }
  }
  const dir = path.dirname(requested)
  const existed = fs.existsSync(dir)
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const mode = fs.statSync(dir).mode & 0o777
  if (mode & 0o077)
    throw new Error(`the proxy socket's directory "${dir}" has mode ${mode.toString(8)}; others could reach the socket. Use a directory with mode 700 (chmod 700 "${dir}")`)
  return { socketPath: requested, ownDir: existed ? undefined : dir }
}

function forwardedHeaders(incoming: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(incoming)) {
    if (value !== undefined && (!HOP_BY_HOP.has(name) || name === 'transfer-encoding'))
      headers[name] = value
  }
  return headers
}

/** The engine's answer to the client: streamed with headers flushed at once, or collected. */
async function relay(engineRes: http.IncomingMessage, res: http.ServerResponse, plan: Plan): Promise<void> {
  const headers: http.OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(engineRes.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name))
      headers[name] = value
  }
  const status = engineRes.statusCode ?? 502
  if (plan.collect) {
    const answerBody = await readAll(engineRes, Number.POSITIVE_INFINITY)
    await plan.after?.(status, answerBody)
    res.writeHead(status, headers)
    res.end(answerBody)
    return
  }
  res.writeHead(status, headers)
  res.flushHeaders()
  // What `after` reads (pull and load progress) is kept only up to the cap; it all streams on.
  const kept: Buffer[] = []
  let keptBytes = 0
  engineRes.on('data', (chunk: Buffer) => {
    if (plan.after && keptBytes < MAX_JSON_BODY_BYTES) {
      kept.push(chunk)
      keptBytes += chunk.length
    }
  })
  const filter = plan.filter
  if (filter) {
    const decoder = new StringDecoder('utf8')
    engineRes.on('data', (chunk: Buffer) => {
      const passed = filter.push(decoder.write(chunk))
      if (passed)
        res.write(passed)
    })
  }
  else {
    engineRes.pipe(res, { end: false })
  }
  await new Promise<void>((resolve, reject) => {
    engineRes.on('end', resolve)
    engineRes.on('error', reject)
    res.on('close', resolve)
  })
  await plan.after?.(status, Buffer.concat(kept))
  res.end(filter ? filter.end() : undefined)
}

/** Bodies already read by readJson, to be sent as read when the plan does not replace them. */
const readBodies = new WeakMap<http.IncomingMessage, Buffer>()

async function readJson(req: http.IncomingMessage, path: string): Promise<Json | Refusal> {
  let raw: Buffer
  try {
    raw = await readAll(req, MAX_JSON_BODY_BYTES)
  }
  catch {
    return tooLarge(req.method ?? 'POST', path, MAX_JSON_BODY_BYTES)
  }
  readBodies.set(req, raw)
  if (raw.length === 0)
    return {}
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'))
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Json : {}
  }
  catch (error) {
    return badRequest(`the body of ${req.method} ${path} is not JSON (${errorText(error)})`)
  }
}

function readAll(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new Error(`more than ${limit} bytes`))
        return
      }
      chunks.push(chunk)
    })
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

function answer(res: http.ServerResponse, refusal: Refusal): void {
  if (res.headersSent)
    res.destroy()
  else
    reply(res, refusal.status, refusalBody(refusal))
}

function reply(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
  res.end(body)
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export type { ProxyScope, CreatedByRun, Refusal, Upstream }
