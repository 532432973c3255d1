/**
 * The demo server without an HTTP server of its own: the deck, the run manager, the engine's
 * status and the WebSocket edge, ready to be attached to Vite's dev server (vite-plugin.ts) or
 * to a small standalone one (standalone.ts). Both hosts route the upgrades for PROTOCOL_PATH
 * and the presenter's HTTP endpoints (LOGIN_PATH, TOKEN_PATH) here.
 */
import { createHash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import process from 'node:process'
import type { Duplex } from 'node:stream'
import { createDockerEngine } from '../engine/index.ts'
import type { DemoEngine } from '../engine/types.ts'
import type { EngineStatus, StatusMessage } from '../protocol.ts'
import { START_DOCKER } from '../presenter-help.ts'
import { DemoError, LOGIN_PATH, PROTOCOL_PATH, PROTOCOL_VERSION } from '../protocol.ts'
import type { PresenterAuth } from './auth.ts'
import { createPresenterAuth } from './auth.ts'
import { DeckSource } from './deck-source.ts'
import type { HistoryLimits } from './history.ts'
import { createOriginPolicy } from './origin.ts'
import { handlePresenterRequest } from './presenter-endpoints.ts'
import { RunManager } from './run-manager.ts'
import type { SocketServerOptions } from './socket.ts'
import { SocketServer } from './socket.ts'
import type { RuntimeFile } from './state-dir.ts'
import { runtimeFile, sessionKey } from './state-dir.ts'
import { summarizeDeck } from './summary.ts'
import type { WindowRole } from './window-pool.ts'
import { ShellNotFoundError, resolveShell } from '../shell/which-shell.ts'

export interface DemoServerOptions {
  deckFile: string
  /** Never pull; `online` steps are skipped. */
  offline?: boolean
  /** The engine to use; by default `createDockerEngine` from demo-server/engine. */
  engine?: DemoEngine
  /** e.g. `unix:///var/run/docker.sock` or `tcp://host:2375`; default: DOCKER_HOST or the socket. */
  dockerHost?: string
  /** The hosting HTTP server's address, read per request (for the same-origin allowlist). */
  address: () => AddressInfo | string | null
  /** Further host names the deck is deliberately reached by (a tunnel, a DNS name). */
  extraHosts?: string[]
  maxConcurrentRuns?: number
  heartbeatMs?: number
  /** Window limits: slots per pool, ping timeout, backlog (tests make them small). */
  windows?: Pick<SocketServerOptions, 'windowLimits' | 'pongTimeoutMs' | 'maxBufferedBytes' | 'dropGraceMs'>
  /** Output kept for late joiners. */
  historyLimits?: Partial<HistoryLimits>
  /** Engine status poll while it is unavailable (and, 5x slower, while it is available). */
  enginePollMs?: number
  stepStopGraceMs?: number
  /** Who is the presenter; default: sessions signed with the state directory's key, and a
   *  fresh token. Vite's host makes one first, for its dev-server guard too. */
  auth?: PresenterAuth
  log?: (line: string) => void
}

export interface DemoServer {
  /** The per-launch secret control messages must carry. */
  readonly token: string
  readonly auth: PresenterAuth
  readonly deckId: string
  readonly workdir: string
  readonly manager: RunManager
  status: () => StatusMessage
  /** Windows holding a slot now: all, or the presenter's or the viewers'. */
  windowCount: (role?: WindowRole) => number
  /** Returns false (touching nothing) for upgrades that are not for PROTOCOL_PATH. */
  handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean
  /** Answers LOGIN_PATH and TOKEN_PATH; returns false for any other request. */
  handleRequest: (req: IncomingMessage, res: ServerResponse) => boolean
  /** Once listening at `origin`: writes the runtime file this user's CLI reads the token from,
   *  and returns the current one-time login URL. Removed again on close. */
  publish: (origin: string) => { loginUrl: string, runtimeFile: string }
  /** The current one-time login URL, `origin` + LOGIN_PATH + the secret. */
  loginUrl: (origin: string) => string
  /** Checks the engine now and broadcasts a changed status. */
  refreshEngineStatus: () => Promise<EngineStatus>
  close: () => Promise<void>
  [Symbol.asyncDispose]: () => Promise<void>
}

const ENGINE_STATUS_TIMEOUT_MS = 5_000

/** A short, stable id for the deck: labels scope what its demos create to this deck. */
export function deckIdOf(absoluteDeckPath: string): string {
  return createHash('sha256').update(absoluteDeckPath).digest('hex').slice(0, 12)
}

/** The per-deck directory `$(pwd)` names in steps. */
export function workdirOf(deckId: string): string {
  return path.join(os.tmpdir(), 'docker-demo', deckId)
}

export async function createDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const log = options.log ?? (line => console.error(`[docker-demo] ${line}`))
  const offline = options.offline ?? false
  const source = await DeckSource.open(options.deckFile, { log })
  const deckId = deckIdOf(source.file)
  const workdir = workdirOf(deckId)
  await mkdir(workdir, { recursive: true })
  const engine = options.engine ?? await loadDockerEngine(offline, options.dockerHost, log)
  try {
    resolveShell()
  }
  catch (error) {
    if (!(error instanceof ShellNotFoundError))
      throw error
    log(`${error.message}. Until then no demo runs live (the deck plays recordings).`)
  }
  const auth = options.auth ?? createPresenterAuth(sessionKey())
  const policy = createOriginPolicy(options.address, options.extraHosts)

  let engineStatus: EngineStatus = { available: false, message: 'not checked yet' }
  // Summarized once per version of the deck, not again for every window that connects.
  let deckSummary = summarizeDeck(source.deck)
  const status = (): StatusMessage => ({
    type: 'status',
    protocol: PROTOCOL_VERSION,
    engine: engineStatus,
    offline,
    deck: deckSummary,
  })

  const manager = new RunManager({
    engine,
    deck: () => source.deck,
    deckId,
    workdir,
    offline,
    maxConcurrentRuns: options.maxConcurrentRuns,
    stopGraceMs: options.stepStopGraceMs,
    historyLimits: options.historyLimits,
    log,
  })
  const sockets = new SocketServer({
    manager,
    token: auth.token,
    isPresenter: auth.isPresenter,
    policy,
    status,
    deck: () => source.deck,
    heartbeatMs: options.heartbeatMs,
    ...options.windows,
    log,
  })
  source.onChange((deck) => {
    deckSummary = summarizeDeck(deck)
    sockets.broadcastStatus()
  })
  // A run that found the engine gone should not wait for the next poll to say so.
  manager.onEvent((event) => {
    if (event.type === 'run-ended' && event.error?.code === 'ENGINE_UNAVAILABLE')
      void refreshEngineStatus()
  })

  const pollMs = options.enginePollMs ?? 3_000
  let pollTimer: NodeJS.Timeout | undefined
  let closed = false
  let reportedUnavailable = false
  const refreshEngineStatus = async (): Promise<EngineStatus> => {
    const next = await withTimeout(engine.status(), ENGINE_STATUS_TIMEOUT_MS)
      .catch((error: unknown): EngineStatus => ({ available: false, message: error instanceof Error ? error.message : String(error) }))
    if (closed)
      return next
    // Said once per change, at the edge, so the presenter's console is not a wall of retries.
    if (!next.available && !reportedUnavailable) {
      reportedUnavailable = true
      const reason = (next.message ?? `no reason given. ${START_DOCKER}`).replace(/\.+$/, '')
      log(`Docker engine unreachable: ${reason}. Demos cannot run live until it answers (the deck plays recordings); checking again every ${pollMs / 1000} s.`)
    }
    else if (next.available && (reportedUnavailable || !engineStatus.available)) {
      reportedUnavailable = false
      log(`Docker engine ${next.version ?? ''} (API ${next.apiVersion ?? '?'}) is available.`)
    }
    const changed = JSON.stringify(next) !== JSON.stringify(engineStatus)
    engineStatus = next
    if (changed)
      sockets.broadcastStatus()
    return next
  }
  const poll = async () => {
    const current = await refreshEngineStatus()
    if (!closed) {
      pollTimer = setTimeout(() => void poll(), current.available ? pollMs * 5 : pollMs)
      pollTimer.unref()
    }
  }
  await poll()

  const loginUrl = (origin: string) => `${origin}${LOGIN_PATH}?secret=${auth.loginSecret}`
  let published: { file: RuntimeFile, stopWatching: () => void } | undefined
  const publish = (origin: string) => {
    published?.stopWatching()
    const file = published?.file ?? runtimeFile(Number(new URL(origin).port))
    const write = () => file.update({
      pid: process.pid,
      deckFile: source.file,
      origin,
      url: `${origin.replace(/^http/, 'ws')}${PROTOCOL_PATH}`,
      token: auth.token,
      loginUrl: loginUrl(origin),
    })
    write()
    published = { file, stopWatching: auth.onRotate(write) }
    return { loginUrl: loginUrl(origin), runtimeFile: file.path }
  }

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      closed = true
      clearTimeout(pollTimer)
      published?.stopWatching()
      published?.file.remove()
      source.close()
      sockets.close()
      await manager.close()
      if (!options.engine)
        await engine.close()
    })()
    return closing
  }

  return {
    token: auth.token,
    auth,
    deckId,
    workdir,
    manager,
    status,
    windowCount: role => sockets.windowCount(role),
    handleUpgrade: (req, socket, head) => sockets.handleUpgrade(req, socket, head),
    handleRequest: (req, res) => handlePresenterRequest(req, res, auth, policy),
    publish,
    loginUrl,
    refreshEngineStatus,
    close,
    [Symbol.asyncDispose]: close,
  }
}

async function loadDockerEngine(offline: boolean, dockerHost: string | undefined, log: (line: string) => void): Promise<DemoEngine> {
  try {
    return await createDockerEngine({ offline, ...(dockerHost !== undefined ? { dockerHost } : {}) })
  }
  catch (error) {
    // createDockerEngine reports a down engine through status(); this is for the unforeseen.
    const reason = error instanceof Error ? error.message : String(error)
    log(`cannot create the Docker engine client: ${reason}`)
    return unavailableEngine(reason)
  }
}

/** Stands in when no engine client could be made: the deck still starts, in replay mode. */
function unavailableEngine(reason: string): DemoEngine {
  const refuse = async (): Promise<never> => {
    throw new DemoError('ENGINE_UNAVAILABLE', `No Docker engine client: ${reason}`)
  }
  return {
    status: async () => ({ available: false, message: `No Docker engine client: ${reason}` }),
    runStep: refuse,
    reset: refuse,
    close: async () => {},
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the engine did not answer within ${ms / 1000} s`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}
