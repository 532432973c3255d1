/**
 * TEMPORARY, REPLACEABLE: a minimal stand-in for the `record` branch's cast-file module, written
 * against its agreed contract so the terminal branch can replay recordings before that branch
 * lands. On merge, the `record` branch's file replaces this one wholesale; the only callers are
 * demo-server/server/recordings-plugin.ts and components/recordings.ts (types only).
 *
 * A recording is one asciicast v2 file per demo, `<deck dir>/recordings/<deck basename>/<id>.cast`:
 * the header carries `docker_demo` (which deck and demo, the engine, each step's command and
 * outcome); the events run on one clock, with an "m" marker opening each step. Pure and
 * browser-safe (no node: imports).
 */
import type { AsciicastHeader, AsciicastOutputEvent, RunOutcome } from '../protocol.ts'

export class RecordingError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RecordingError'
  }
}

export interface RecordedStepMeta {
  index: number
  command: string
  prompt: string
  commandHash: string
  outcome: RunOutcome
  exitCode?: number | null
  /** Seconds from the recording's start to this step's marker. */
  start: number
  duration: number
}

export interface RecordingHeader extends AsciicastHeader {
  docker_demo: {
    deck: string
    demoId: string
    recordedAt: string
    engine: string
    images: string[]
    standins: string[]
    steps: RecordedStepMeta[]
  }
}

export interface RecordedStep extends RecordedStepMeta {
  /** Output events, times relative to the step's start. */
  events: AsciicastOutputEvent[]
}

export interface Recording {
  header: RecordingHeader
  steps: RecordedStep[]
}

/** A step whose recording no longer matches the deck. */
export interface StaleStep {
  index: number
  reason: 'changed' | 'not-recorded' | 'removed'
}

/** FNV-1a over the prompt and command: synchronous and browser-safe. */
export function commandHash(prompt: string, command: string): string {
  let hash = 0x811C9DC5
  for (const ch of `${prompt}\u0000${command}`) {
    hash ^= ch.codePointAt(0)!
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}

export function parseRecording(text: string, name: string): Recording {
  const lines = text.split('\n').filter(line => line.trim() !== '')
  if (lines.length === 0)
    throw new RecordingError(`${name} is empty; expected an asciicast v2 header line.`)
  let header: RecordingHeader
  try {
    header = JSON.parse(lines[0]) as RecordingHeader
  }
  catch {
    throw new RecordingError(`${name}:1: the header is not JSON.`)
  }
  if (header?.version !== 2)
    throw new RecordingError(`${name}:1: asciicast version ${JSON.stringify(header?.version)} is not supported; only version 2 is.`)
  const metas = header.docker_demo?.steps
  if (!Array.isArray(metas))
    throw new RecordingError(`${name}:1: the header has no docker_demo.steps; record it with npm run rehearse.`)
  const steps: RecordedStep[] = []
  let current: RecordedStep | undefined
  for (let i = 1; i < lines.length; i++) {
    let event: unknown
    try {
      event = JSON.parse(lines[i])
    }
    catch {
      throw new RecordingError(`${name}:${i + 1}: the event is not JSON.`)
    }
    if (!Array.isArray(event) || typeof event[0] !== 'number' || typeof event[1] !== 'string' || typeof event[2] !== 'string')
      throw new RecordingError(`${name}:${i + 1}: expected [seconds, code, data].`)
    if (event[1] === 'm') {
      const meta = metas[steps.length]
      if (!meta)
        throw new RecordingError(`${name}:${i + 1}: a marker for step ${steps.length + 1}, but the header lists ${metas.length} steps.`)
      current = { ...meta, events: [] }
      steps.push(current)
    }
    else if (event[1] === 'o') {
      if (!current)
        throw new RecordingError(`${name}:${i + 1}: output before the first step's marker.`)
      current.events.push([Math.max(0, event[0] - current.start), 'o', event[2]])
    }
  }
  if (steps.length !== metas.length)
    throw new RecordingError(`${name}: the header lists ${metas.length} steps but the file has ${steps.length} markers.`)
  return { header, steps }
}

/** Steps whose recorded command differs from the deck's, or that the recording lacks. */
export function staleSteps(recording: Recording, steps: { index: number, prompt: string, command: string }[]): StaleStep[] {
  const stale: StaleStep[] = []
  for (const step of steps) {
    const recorded = recording.steps.find(s => s.index === step.index)
    if (!recorded)
      stale.push({ index: step.index, reason: 'not-recorded' })
    else if (recorded.commandHash !== commandHash(step.prompt, step.command))
      stale.push({ index: step.index, reason: 'changed' })
  }
  for (const recorded of recording.steps) {
    if (!steps.some(s => s.index === recorded.index))
      stale.push({ index: recorded.index, reason: 'removed' })
  }
  return stale
}
