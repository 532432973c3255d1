/**
 * Recordings: an asciicast v2 file (`.cast`) is one run's output, the same events the live
 * protocol streams (a header line, then `[seconds, "o", data]` lines). Parsed once into the
 * protocol's RunRecord, so the deck shows a recording exactly as it would show the live run.
 * Pure; the deck passes the file's text (e.g. a `?raw` import) to `<DockerDemo :recorded>`.
 */
import type { AsciicastHeader, AsciicastOutputEvent, RunOutcome, RunRecord } from '../demo-server/protocol'

export class CastError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CastError'
  }
}

export interface Cast {
  header: AsciicastHeader
  /** Output events only; input (`"i"`), markers and resizes are dropped. */
  events: AsciicastOutputEvent[]
}

/** Parses an asciicast v2 text; throws CastError naming the line that is wrong. */
export function parseCast(text: string, name = 'recording'): Cast {
  const lines = text.split('\n').filter(line => line.trim() !== '')
  if (lines.length === 0)
    throw new CastError(`${name} is empty; expected an asciicast v2 header line.`)
  let header: unknown
  try {
    header = JSON.parse(lines[0])
  }
  catch {
    throw new CastError(`${name}:1: the header is not JSON.`)
  }
  const version = (header as { version?: unknown } | null)?.version
  if (version !== 2)
    throw new CastError(`${name}:1: asciicast version ${JSON.stringify(version)} is not supported; only version 2 is.`)
  const events: AsciicastOutputEvent[] = []
  for (let i = 1; i < lines.length; i++) {
    let event: unknown
    try {
      event = JSON.parse(lines[i])
    }
    catch {
      throw new CastError(`${name}:${i + 1}: the event is not JSON.`)
    }
    if (!Array.isArray(event) || typeof event[0] !== 'number' || typeof event[1] !== 'string' || typeof event[2] !== 'string')
      throw new CastError(`${name}:${i + 1}: expected [seconds, code, data].`)
    if (event[1] === 'o')
      events.push([event[0], 'o', event[2]])
  }
  return { header: header as AsciicastHeader, events }
}

/** One recorded run as the protocol's RunRecord. Without `outcome` the record has no end, and
 *  the slide shows its output without a badge. */
export function castToRecord(cast: Cast, run: {
  demoId: string
  step: number
  command: string
  prompt?: string
  outcome?: RunOutcome
  exitCode?: number | null
}): RunRecord {
  const runId = `recording-${run.demoId}-${run.step}`
  const record: RunRecord = {
    started: {
      type: 'run-started',
      runId,
      demoId: run.demoId,
      step: run.step,
      command: run.command,
      prompt: run.prompt ?? '$ ',
      interactive: false,
      header: cast.header,
    },
    events: cast.events,
  }
  if (run.outcome)
    record.ended = { type: 'run-ended', runId, demoId: run.demoId, step: run.step, outcome: run.outcome, exitCode: run.exitCode ?? null }
  return record
}
