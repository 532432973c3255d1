/**
 * Rehearsal recordings as asciicast v2 files: one `.cast` per demo, the same events the live
 * protocol streams (demo-server/protocol.ts), parsed once into one model, `Recording`.
 *
 * PURE and browser-safe: no node: imports. The deck's components and the Node tools (rehearse,
 * check) read recordings through this module only; demo-server/recordings/README.md is the
 * contract.
 *
 * File layout (asciicast v2, one JSON value per line):
 *   {"version":2,"width":80,"height":24,"timestamp":...,"title":...,"env":{...},"docker_demo":{...}}
 *   [0, "m", "step 1: docker run --rm alpine echo hi"]
 *   [0.000012, "o", "$ docker run --rm alpine echo hi\r\n"]
 *   [0.291, "o", "hi\r\n"]
 *   [0.3, "m", "step 2: ..."]
 * Times are seconds since the recording's start, cumulative across steps and never decreasing.
 * `docker_demo` is our own header key; asciinema's CLI and player ignore keys they do not know.
 */
import type { AsciicastHeader, AsciicastOutputEvent, RunOutcome } from '../protocol.ts'

export const RECORDING_VERSION = 2
/** The header key that carries what a rehearsal knows about the demo and each step. */
export const HEADER_KEY = 'docker_demo'

/** What one step of the recording was, as the header lists it. */
export interface RecordedStepMeta {
  /** 1-based step of the demo. */
  index: number
  /** The command as the audience reads it (the protocol's RunStartedMessage.command). */
  command: string
  /** The prompt shown before it: `$ `, `host$ `, `/ # `. */
  prompt: string
  /** commandHash(prompt, command): a recording is stale when the deck's step hashes otherwise. */
  commandHash: string
  outcome: RunOutcome
  exitCode?: number
  /** Seconds from the start of the file to the step's marker. */
  start: number
  /** Seconds the step ran, from its start to its end. */
  duration: number
}

export interface DockerDemoMeta {
  /** The deck file the demo came from, as given to rehearse (e.g. `slides.md`). */
  deck: string
  demoId: string
  /** ISO 8601. */
  recordedAt: string
  engine: { version: string, apiVersion: string }
  /** `docker version` of the CLI on PATH when recorded, if there was one. */
  dockerCli?: string
  /** Image reference as the steps name it -> the image id it resolved to. */
  images: Record<string, string>
  /** Made with the offline stand-in images (test/images/): rehearse on your own machine before
   *  the talk, so the audience sees real images. */
  standins: boolean
  steps: RecordedStepMeta[]
}

export interface RecordingHeader extends AsciicastHeader {
  timestamp: number
  title: string
  [HEADER_KEY]: DockerDemoMeta
}

export interface RecordedStep extends RecordedStepMeta {
  /** Output, times relative to the step's start (as the live protocol sends them). */
  events: AsciicastOutputEvent[]
}

export interface Recording {
  header: RecordingHeader
  steps: RecordedStep[]
}

/** What a deck step must offer to be compared with a recording (the protocol's StepSummary
 *  has it; `command` is the line as typed). */
export interface StepIdentity {
  index: number
  prompt: string
  command: string
}

export type StaleReason = 'command-changed' | 'added' | 'removed'

export interface StaleStep {
  index: number
  reason: StaleReason
}

export type RecordingErrorCode = 'UNREADABLE' | 'EMPTY' | 'BAD_JSON' | 'UNSUPPORTED_VERSION' | 'BAD_HEADER' | 'BAD_EVENT'

/** A recording that cannot be read. `file` is the name given to parseRecording (Error's own
 *  `name` stays "RecordingError"), `line` the 1-based line at fault when there is one. */
export class RecordingError extends Error {
  constructor(
    readonly code: RecordingErrorCode,
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${detail}`)
    this.name = 'RecordingError'
  }
}

const RUN_OUTCOMES = [
  'ok',
  'failed',
  'expected-failure',
  'unexpected-success',
  'cancelled',
  'timeout',
  'error',
  'skipped',
] as const satisfies readonly RunOutcome[]
// Fails to compile when protocol.ts gains an outcome this list lacks.
const everyOutcomeListed: Exclude<RunOutcome, (typeof RUN_OUTCOMES)[number]> extends never ? true : never = true
void everyOutcomeListed

const RERECORD = 'record it again with `npm run rehearse`'

// ---------------------------------------------------------------------------------------------
// Times: whole microseconds inside, so that a step's relative times survive the trip through
// the file's cumulative times bit for bit.

const toMicros = (seconds: number): number => Math.round(seconds * 1e6)
const fromMicros = (micros: number): number => micros / 1e6

// ---------------------------------------------------------------------------------------------
// Hash

const FNV_OFFSET = 0xCBF29CE484222325n
const FNV_PRIME = 0x100000001B3n
const MASK_64 = 0xFFFFFFFFFFFFFFFFn

/** FNV-1a, 64 bits, over the UTF-8 bytes of prompt, NUL, command: 16 hex digits, the same in
 *  Node and the browser. Identifies a step's text, not a secret. */
export function commandHash(prompt: string, command: string): string {
  return fnv1a64(`${prompt}\u0000${command}`)
}

/** FNV-1a 64 of the UTF-8 bytes, as 16 hex digits. */
export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte)
    hash = (hash * FNV_PRIME) & MASK_64
  }
  return hash.toString(16).padStart(16, '0')
}

// ---------------------------------------------------------------------------------------------
// Serialize

export function markerLabel(step: Pick<RecordedStep, 'index' | 'command'>): string {
  return `step ${step.index}: ${step.command}`
}

/** The recording as an asciicast v2 file: header line, then per step its marker and output.
 *  The header's step list is rebuilt from `steps`, so the two never disagree; times are
 *  rounded to microseconds and never decrease (a step that starts before the previous one's
 *  last event is moved to it). */
export function serializeRecording(recording: Recording): string {
  const { header, steps } = recording
  const eventLines: string[] = []
  const metas: RecordedStepMeta[] = []
  let last = 0
  const at = (micros: number) => (last = Math.max(last, micros))
  for (const step of steps) {
    const start = at(toMicros(step.start))
    eventLines.push(JSON.stringify([fromMicros(start), 'm', markerLabel(step)]))
    for (const [time, , data] of step.events)
      eventLines.push(JSON.stringify([fromMicros(at(start + toMicros(time))), 'o', data]))
    metas.push({
      index: step.index,
      command: step.command,
      prompt: step.prompt,
      commandHash: step.commandHash,
      outcome: step.outcome,
      ...(step.exitCode !== undefined ? { exitCode: step.exitCode } : {}),
      start: fromMicros(start),
      duration: fromMicros(Math.max(toMicros(step.duration), last - start)),
    })
  }
  const headerLine: RecordingHeader = {
    version: RECORDING_VERSION,
    width: header.width,
    height: header.height,
    timestamp: header.timestamp,
    title: header.title,
    ...(header.env !== undefined ? { env: header.env } : {}),
    [HEADER_KEY]: { ...header[HEADER_KEY], steps: metas },
  }
  return `${[JSON.stringify(headerLine), ...eventLines].join('\n')}\n`
}

// ---------------------------------------------------------------------------------------------
// Parse

type Fail = (code: RecordingErrorCode, line: number | undefined, detail: string) => never

/** Parses a recording made by serializeRecording. Throws RecordingError naming `name` and the
 *  line: corrupt JSON, a version other than 2, missing header fields, events out of order. */
export function parseRecording(text: string, name: string): Recording {
  const fail: Fail = (code, line, detail) => {
    throw new RecordingError(code, name, line, detail)
  }
  // Line numbers as an editor shows them; CRLF files (a Windows checkout) read the same.
  const lines = text.split('\n').map(line => line.endsWith('\r') ? line.slice(0, -1) : line)
  if (lines.every(line => line.trim() === ''))
    fail('EMPTY', undefined, `the file is empty; expected an asciicast v2 header line. ${capitalize(RERECORD)}.`)
  const headerLine = lines.findIndex(line => line.trim() !== '')
  const header = parseHeader(lines[headerLine], headerLine + 1, fail)
  const meta = header[HEADER_KEY]

  const steps: RecordedStep[] = []
  let current: RecordedStep | undefined
  let previous = 0
  for (let i = headerLine + 1; i < lines.length; i++) {
    if (lines[i].trim() === '')
      continue
    const lineNo = i + 1
    const event = parseJson(lines[i], lineNo, 'event', fail)
    if (!Array.isArray(event) || event.length < 3 || !isTime(event[0]) || typeof event[1] !== 'string')
      fail('BAD_EVENT', lineNo, `expected an event [seconds, type, data], got ${preview(lines[i])}. ${capitalize(RERECORD)}.`)
    const [time, type, data] = event as [number, string, unknown]
    const micros = toMicros(time)
    if (micros < previous)
      fail('BAD_EVENT', lineNo, `time ${time} is earlier than the event before it (${fromMicros(previous)}); asciicast v2 times never decrease. ${capitalize(RERECORD)}.`)
    previous = micros
    if (type === 'm') {
      const stepMeta = meta.steps[steps.length]
      if (stepMeta === undefined)
        fail('BAD_EVENT', lineNo, `marker ${preview(String(data))} has no step in the header (it lists ${meta.steps.length}). ${capitalize(RERECORD)}.`)
      if (data !== markerLabel(stepMeta))
        fail('BAD_EVENT', lineNo, `marker ${preview(String(data))} does not match the header's step ${stepMeta.index} (${JSON.stringify(markerLabel(stepMeta))}). ${capitalize(RERECORD)}.`)
      if (micros !== toMicros(stepMeta.start))
        fail('BAD_EVENT', lineNo, `step ${stepMeta.index}'s marker is at ${time} s, the header says it starts at ${stepMeta.start} s. ${capitalize(RERECORD)}.`)
      current = { ...stepMeta, events: [] }
      steps.push(current)
    }
    else if (type === 'o') {
      if (typeof data !== 'string')
        fail('BAD_EVENT', lineNo, `an output event's data must be a string. ${capitalize(RERECORD)}.`)
      if (current === undefined)
        fail('BAD_EVENT', lineNo, `output before the first step marker. ${capitalize(RERECORD)}.`)
      current.events.push([fromMicros(micros - toMicros(current.start)), 'o', data as string])
    }
    // Other event types ("i" input, "r" resize) are open extensions of v2: not ours, skipped.
  }
  if (steps.length !== meta.steps.length)
    fail('BAD_EVENT', lines.length, `the header lists ${meta.steps.length} steps but the file has ${steps.length} step markers (cut short?). ${capitalize(RERECORD)}.`)
  return { header, steps }
}

function parseHeader(line: string, lineNo: number, fail: Fail): RecordingHeader {
  const value = parseJson(line, lineNo, 'header', fail)
  if (!isObject(value))
    fail('BAD_HEADER', lineNo, `the header must be a JSON object, got ${preview(line)}.`)
  const header = value as Record<string, unknown>
  if (header.version !== RECORDING_VERSION) {
    const version = typeof header.version === 'number' || typeof header.version === 'string' ? header.version : JSON.stringify(header.version)
    fail('UNSUPPORTED_VERSION', lineNo, `asciicast version ${version} is not supported; expected ${RECORDING_VERSION}. ${capitalize(RERECORD)}.`)
  }
  const missing = (field: string, what: string): never =>
    fail('BAD_HEADER', lineNo, `the header's "${field}" is missing or not ${what}. ${capitalize(RERECORD)}.`)
  if (!isCount(header.width))
    missing('width', 'a positive whole number')
  if (!isCount(header.height))
    missing('height', 'a positive whole number')
  if (typeof header.timestamp !== 'number')
    missing('timestamp', 'a number (Unix seconds)')
  if (typeof header.title !== 'string')
    missing('title', 'a string')
  if (header.env !== undefined && !isStringRecord(header.env))
    missing('env', 'an object of strings')
  const meta = header[HEADER_KEY]
  if (!isObject(meta))
    fail('BAD_HEADER', lineNo, `the header has no "${HEADER_KEY}" object: this is not a rehearsal recording. ${capitalize(RERECORD)}.`)
  const m = meta as Record<string, unknown>
  const key = (field: string) => `${HEADER_KEY}.${field}`
  for (const field of ['deck', 'demoId', 'recordedAt'] as const) {
    if (typeof m[field] !== 'string')
      missing(key(field), 'a string')
  }
  const engine = m.engine as Record<string, unknown> | undefined
  if (!isObject(engine) || typeof engine!.version !== 'string' || typeof engine!.apiVersion !== 'string')
    missing(key('engine'), 'an object with "version" and "apiVersion"')
  if (m.dockerCli !== undefined && typeof m.dockerCli !== 'string')
    missing(key('dockerCli'), 'a string')
  if (!isStringRecord(m.images))
    missing(key('images'), 'an object of image reference -> image id')
  if (typeof m.standins !== 'boolean')
    missing(key('standins'), 'true or false')
  if (!Array.isArray(m.steps))
    missing(key('steps'), 'an array')
  ;(m.steps as unknown[]).forEach((step, i) => checkStepMeta(step, `${key('steps')}[${i}]`, i + 1, missing))
  return value as RecordingHeader
}

function checkStepMeta(value: unknown, at: string, expectedIndex: number, missing: (field: string, what: string) => never): void {
  if (!isObject(value))
    missing(at, 'an object')
  const step = value as Record<string, unknown>
  if (step.index !== expectedIndex)
    missing(`${at}.index`, `${expectedIndex} (steps are listed in order from 1)`)
  for (const field of ['command', 'prompt', 'commandHash'] as const) {
    if (typeof step[field] !== 'string')
      missing(`${at}.${field}`, 'a string')
  }
  if (!(RUN_OUTCOMES as readonly unknown[]).includes(step.outcome))
    missing(`${at}.outcome`, `one of ${RUN_OUTCOMES.join(', ')}`)
  if (step.exitCode !== undefined && !Number.isInteger(step.exitCode))
    missing(`${at}.exitCode`, 'a whole number')
  if (!isTime(step.start))
    missing(`${at}.start`, 'seconds (a number >= 0)')
  if (!isTime(step.duration))
    missing(`${at}.duration`, 'seconds (a number >= 0)')
}

function parseJson(line: string, lineNo: number, what: 'header' | 'event', fail: Fail): unknown {
  try {
    return JSON.parse(line)
  }
  catch {
    return fail('BAD_JSON', lineNo, `the ${what} is not valid JSON: ${preview(line)}. ${capitalize(RERECORD)}.`)
  }
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value)
const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) > 0
const isTime = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value >= 0
const isStringRecord = (value: unknown): boolean =>
  isObject(value) && Object.values(value as object).every(v => typeof v === 'string')
const preview = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text)
const capitalize = (text: string): string => text[0].toUpperCase() + text.slice(1)

// ---------------------------------------------------------------------------------------------
// Staleness

/** Steps whose recording no longer matches the deck: the command text (or prompt) changed, the
 *  deck gained a step the recording lacks, or lost one it has. Compared by position. */
export function staleSteps(recording: Recording, steps: readonly StepIdentity[]): StaleStep[] {
  const stale: StaleStep[] = []
  const count = Math.max(recording.steps.length, steps.length)
  for (let i = 0; i < count; i++) {
    const recorded = recording.steps[i]
    const current = steps[i]
    if (recorded === undefined)
      stale.push({ index: current.index, reason: 'added' })
    else if (current === undefined)
      stale.push({ index: recorded.index, reason: 'removed' })
    else if (recorded.commandHash !== commandHash(current.prompt, current.command))
      stale.push({ index: current.index, reason: 'command-changed' })
  }
  return stale
}

/** "step 3's command changed", "step 4 was added", "step 5 was removed". */
export function describeStale(stale: StaleStep): string {
  switch (stale.reason) {
    case 'command-changed':
      return `step ${stale.index}'s command changed`
    case 'added':
      return `step ${stale.index} was added`
    case 'removed':
      return `step ${stale.index} was removed`
  }
}

/** The command that records these demos again (one place, so every tool names it alike). */
export function rehearseCommand(demoIds: readonly string[]): string {
  return `npm run rehearse -- --only ${demoIds.join(',')}`
}
