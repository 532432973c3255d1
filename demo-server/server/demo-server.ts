/**
 * The demo server without an HTTP server of its own: the deck, the run manager, the engine's
 * status and the WebSocket edge, ready to be attached to Vite's dev server (vite-plugin.ts) or
 * to a small standalone one (standalone.ts). Both hosts route two things here: the upgrades
 * for PROTOCOL_PATH and GET TOKEN_PATH.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { createDockerEngine } from '../engine/index.ts'
import type { DemoEngine } from '../engine/types'
import type { EngineStatus, StatusMessage } from '../protocol'
import { DemoError, PROTOCOL_VERSION, TOKEN_PATH } from '../protocol.ts'
import { DeckSource } from './deck-source.ts'
import { createOriginPolicy, pathOf, refuseTokenRequest } from './origin.ts'
import { RunManager } from './run-manager.ts'
import { SocketServer } from './socket.ts'
import { summarizeDeck } from './summary.ts'

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
  /** Engine status poll while it is unavailable (and, 5x slower, while it is available). */
  enginePollMs?: number
  stepStopGraceMs?: number
  log?: (line: string) => void
}

export interface DemoServer {
  /** The per-launch secret control messages must carry. */
  readonly token: string
  readonly deckId: string
  readonly workdir: string
  readonly manager: RunManager
  status: () => StatusMessage
  /** Returns false (touching nothing) for upgrades that are not for PROTOCOL_PATH. */
  handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean
  /** Answers GET TOKEN_PATH; returns false for any other request. */
  handleRequest: (req: IncomingMessage, res: ServerResponse) => boolean
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
  const token = randomBytes(32).toString('hex')
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
    log,
  })
  const sockets = new SocketServer({
    manager,
    token,
    policy,
    status,
    deck: () => source.deck,
    heartbeatMs: options.heartbeatMs,
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
      const reason = (next.message ?? 'no reason given (start the engine: bash test/setup/dockerd.sh, or Docker Desktop)').replace(/\.+$/, '')
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

  const handleRequest = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (pathOf(req.url) !== TOKEN_PATH)
      return false
    res.setHeader('Cache-Control', 'no-store')
    if (req.method !== 'GET') {
      res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8', 'Allow': 'GET' }).end('Use GET.\n')
      return true
    }
    const refusal = refuseTokenRequest(req, policy)
    if (refusal) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`Forbidden: ${refusal}\n`)
      return true
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token }))
    return true
  }

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      closed = true
      clearTimeout(pollTimer)
      source.close()
      sockets.close()
      await manager.close()
      if (!options.engine)
        await engine.close()
    })()
    return closing
  }

  return {
    token,
    deckId,
    workdir,
    manager,
    status,
    handleUpgrade: (req, socket, head) => sockets.handleUpgrade(req, socket, head),
    handleRequest,
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
