/** Reading dockerode's errors: the daemon's message, its HTTP status, and "nobody answers". */
import { START_DOCKER } from '../presenter-help.ts'
import { DemoError } from '../protocol.ts'

interface ModemError {
  statusCode?: number
  reason?: string
  json?: { message?: string } | string | null
  code?: string
  message?: string
}

export function statusCode(error: unknown): number | undefined {
  return (error as ModemError | undefined)?.statusCode
}

export function isNotFound(error: unknown): boolean {
  return statusCode(error) === 404
}

/** The answer of a lookup, or undefined when the daemon says there is no such object (404). */
export async function undefinedIfNotFound<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup
  }
  catch (error) {
    if (isNotFound(error))
      return undefined
    throw error
  }
}

/** The daemon's own words ("No such container: co1"), as the CLI prints them. */
export function daemonMessage(error: unknown): string {
  const e = error as ModemError | undefined
  if (e?.json && typeof e.json === 'object' && typeof e.json.message === 'string')
    return e.json.message
  if (typeof e?.json === 'string' && e.json.trim())
    return e.json.trim()
  return e?.message ?? String(error)
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'])

/** The engine did not answer at all (as opposed to answering with an error). */
export function isUnavailable(error: unknown): boolean {
  const e = error as ModemError | undefined
  if (!e || e.statusCode !== undefined)
    return false
  return (e.code !== undefined && UNAVAILABLE_CODES.has(e.code)) || /socket hang up|connect |timed out|Timeout/i.test(e.message ?? '')
}

export function unavailableError(url: string, source: string, cause: unknown): DemoError {
  const e = cause as ModemError | undefined
  const why = e?.code ? `${e.code}${e.message && !e.message.includes(e.code) ? `: ${e.message}` : ''}` : (e?.message ?? String(cause))
  return new DemoError(
    'ENGINE_UNAVAILABLE',
    `No Docker engine answers at ${url} (${source}): ${why}. ${START_DOCKER} Or point DOCKER_HOST at another engine.`,
  )
}
