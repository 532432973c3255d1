/**
 * The connection to the engine: discovery once, API version negotiation on first use (and again
 * after the engine went away), so that creating the engine never throws because it is down.
 */
import Docker from 'dockerode'
import type { EngineStatus } from '../protocol.ts'
import type { ResolvedEndpoint } from './endpoint.ts'
import { DemoError } from '../protocol.ts'
import { modemOptions } from './endpoint.ts'
import { isUnavailable, unavailableError } from './errors.ts'

/** The API version we speak; older engines get their own, newer ones this one if they can. */
export const PREFERRED_API_VERSION = '1.41'
const VERSION_TIMEOUT_MS = 5000

export interface Negotiated {
  docker: Docker
  serverVersion: string
  apiVersion: string
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0)
      return d
  }
  return 0
}

/** As the CLI negotiates: the lower of ours and the server's, but not below its minimum. */
export function chooseApiVersion(serverApi: string, serverMin: string | undefined): string {
  let chosen = compareVersions(serverApi, PREFERRED_API_VERSION) < 0 ? serverApi : PREFERRED_API_VERSION
  if (serverMin && compareVersions(chosen, serverMin) < 0)
    chosen = serverMin
  return chosen
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEDOUT' })), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export class Connection {
  private negotiated: Promise<Negotiated> | undefined

  constructor(
    readonly resolved: ResolvedEndpoint | undefined,
    /** Why discovery failed (a broken context), reported by status() and runStep(). */
    private readonly discoveryError: Error | undefined,
  ) {}

  get contextName(): string {
    return this.resolved?.context ?? 'default'
  }

  /** The negotiated client, or ENGINE_UNAVAILABLE with what to do. */
  async get(): Promise<Negotiated> {
    if (!this.resolved)
      throw new DemoError('ENGINE_UNAVAILABLE', `Cannot find the Docker engine: ${this.discoveryError?.message ?? 'unknown error'}`)
    if (!this.negotiated) {
      const attempt = this.negotiate(this.resolved)
      this.negotiated = attempt
      attempt.catch(() => {
        if (this.negotiated === attempt)
          this.negotiated = undefined
      })
    }
    return this.negotiated
  }

  /** Forget the client after the engine stopped answering; the next call negotiates again. */
  invalidate(): void {
    this.negotiated = undefined
  }

  /** Maps "nobody answers" to ENGINE_UNAVAILABLE (and forgets the client); rethrows the rest. */
  translate(error: unknown): unknown {
    if (error instanceof DemoError || !isUnavailable(error) || !this.resolved)
      return error
    this.invalidate()
    return unavailableError(this.resolved.url, this.resolved.source, error)
  }

  async status(): Promise<EngineStatus> {
    try {
      const { docker, apiVersion } = await this.get()
      const version = await withTimeout(docker.version() as Promise<{ Version: string }>, VERSION_TIMEOUT_MS, 'GET /version')
      return { available: true, version: version.Version, apiVersion }
    }
    catch (error) {
      const translated = this.translate(error)
      this.invalidate()
      const message = translated instanceof Error ? translated.message : String(translated)
      return { available: false, message }
    }
  }

  private async negotiate(resolved: ResolvedEndpoint): Promise<Negotiated> {
    const probe = new Docker(modemOptions(resolved.endpoint) as Docker.DockerOptions)
    let version: { Version: string, ApiVersion: string, MinAPIVersion?: string }
    try {
      version = await withTimeout(probe.version() as Promise<typeof version>, VERSION_TIMEOUT_MS, 'GET /version')
    }
    catch (error) {
      throw isUnavailable(error) || (error as { code?: string }).code ? unavailableError(resolved.url, resolved.source, error) : error
    }
    const apiVersion = chooseApiVersion(version.ApiVersion, version.MinAPIVersion)
    const docker = new Docker(modemOptions(resolved.endpoint, `v${apiVersion}`) as Docker.DockerOptions)
    return { docker, serverVersion: version.Version, apiVersion }
  }
}
