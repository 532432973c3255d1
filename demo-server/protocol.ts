/**
 * Every WebSocket message between the deck (components/) and the demo server, in one place.
 * Both sides import this module; nothing else crosses the wire.
 *
 * Output events have the shape of asciicast v2 events, so a live run and a `.cast` recording
 * are the same data: a run opens with an asciicast header and streams `[time, "o", data]`.
 */

/** The path the server answers WebSocket upgrades on, relative to the deck's origin. */
export const PROTOCOL_PATH = '/__docker-demo'
/** GET here returns `{ token }` to a same-origin request from a browser that signed in as the
 *  presenter (LOGIN_PATH); anyone else gets 403 and may only watch. */
export const TOKEN_PATH = '/__docker-demo/token'
/** `GET LOGIN_PATH?secret=...` trades the one-time secret `npm start` prints for the presenter's
 *  session cookie, then redirects to the deck. */
export const LOGIN_PATH = '/__docker-demo/login'
export const PROTOCOL_VERSION = 1
/** Frames above this size are refused (code TOO_LARGE); terminal input is the largest we expect. */
export const MAX_MESSAGE_BYTES = 64 * 1024

/**
 * The terminal on a slide, for every run: the ▶ buttons, typing, and rehearsals, so that a replay
 * has the shape the live run had. 100 columns of 13-px DejaVu Sans Mono (7.8 px a cell,
 * components/TerminalView.vue) fit the 868-px content width of Slidev's default layout with room
 * for the output block's padding; 12 rows are what the slide shows before it scrolls, and what a
 * full-screen program (`top`) draws.
 */
export const SLIDE_TERMINAL = { cols: 100, rows: 12 } as const
/** The most characters (UTF-16 units) one `input` message may carry; a paste is sent in parts. */
export const MAX_INPUT_CHARS = 16 * 1024
/** WebSocket close code for a frame above MAX_MESSAGE_BYTES. The socket library closes such a
 *  connection before any reply can be sent, so clients read this close code as TOO_LARGE. */
export const CLOSE_TOO_LARGE = 1009
/** WebSocket close code for a window the server dropped because it fell behind on output (it
 *  read too slowly, or not at all), with CLOSE_TOO_SLOW_REASON as the reason. Nothing was lost:
 *  a window that reconnects gets the demos' history in its snapshots. */
export const CLOSE_TOO_SLOW = 4008
export const CLOSE_TOO_SLOW_REASON = 'too far behind on output; reconnect for a snapshot'

// ---------------------------------------------------------------------------------------------
// asciicast v2

export interface AsciicastHeader {
  version: 2
  width: number
  height: number
  /** Unix seconds. */
  timestamp: number
  title?: string
  env?: Record<string, string>
}

/** `[seconds since the run started, "o", terminal bytes as UTF-8 text]` */
export type AsciicastOutputEvent = [number, 'o', string]

// ---------------------------------------------------------------------------------------------
// Client -> server

/** Control messages change engine state; each carries the per-launch token. */
export interface RunRequest {
  type: 'run'
  token: string
  demoId: string
  /** 1-based step; omitted runs every step of the demo in order. */
  step?: number
  /** Open a TTY session the presenter may type into (run -it, exec -it, attach). */
  interactive?: boolean
  cols?: number
  rows?: number
}

export interface CancelRequest {
  type: 'cancel'
  token: string
  demoId: string
}

/** Remove what a demo (or, without demoId, the whole deck) created. */
export interface ResetRequest {
  type: 'reset'
  token: string
  demoId?: string
}

export interface InputRequest {
  type: 'input'
  token: string
  runId: string
  data: string
}

export interface ResizeRequest {
  type: 'resize'
  token: string
  runId: string
  cols: number
  rows: number
}

/** Watching needs no token: viewers on `slidev --remote` may watch, read-only. */
export interface SubscribeRequest {
  type: 'subscribe'
  demoId: string
}

export interface UnsubscribeRequest {
  type: 'unsubscribe'
  demoId: string
}

export type ControlRequest = RunRequest | CancelRequest | ResetRequest | InputRequest | ResizeRequest
export type ClientMessage = ControlRequest | SubscribeRequest | UnsubscribeRequest

export const CONTROL_TYPES = ['run', 'cancel', 'reset', 'input', 'resize'] as const

// ---------------------------------------------------------------------------------------------
// Server -> client

export interface EngineStatus {
  available: boolean
  /** e.g. "20.10.24" */
  version?: string
  apiVersion?: string
  /** Why the engine is unavailable, and what to do. */
  message?: string
}

export interface StepSummary {
  index: number
  /** 1-based line of the step in the deck file (DemoSummary.file). */
  line?: number
  /** As typed; the lines of a step that spans several are joined by "\n". */
  command: string
  prompt: string
  /** Typed at the demo's shell prompt, or into the program a `run -it` line started. */
  target: 'shell' | 'container'
  online?: boolean
  shownOnly?: string
  expectFail?: true | string
  interactive?: boolean
}

export interface DemoSummary {
  id: string
  title?: string
  uses: string[]
  steps: StepSummary[]
  file: string
  line: number
  /** The slide it is on, as Slidev numbers them. */
  slide?: number
}

/** Sent on connect and whenever the engine or the deck changes. */
export interface StatusMessage {
  type: 'status'
  protocol: typeof PROTOCOL_VERSION
  engine: EngineStatus
  offline: boolean
  deck: { file: string; demos: DemoSummary[]; problems: string[] }
}

export type RunOutcome =
  | 'ok'
  | 'failed'
  /** Failed as the deck said it must (`expect-fail`). */
  | 'expected-failure'
  /** Succeeded although the deck said it must fail. */
  | 'unexpected-success'
  | 'cancelled'
  | 'timeout'
  /** Never got to run: refused, engine down, image missing. `error` says why. */
  | 'error'
  /** Not run: `online` while offline, or `shown-only`. */
  | 'skipped'

export interface RunStartedMessage {
  type: 'run-started'
  runId: string
  demoId: string
  step: number
  command: string
  prompt: string
  interactive: boolean
  header: AsciicastHeader
}

export interface OutputMessage {
  type: 'output'
  runId: string
  demoId: string
  event: AsciicastOutputEvent
}

export interface RunEndedMessage {
  type: 'run-ended'
  runId: string
  demoId: string
  step: number
  outcome: RunOutcome
  exitCode: number | null
  error?: ErrorPayload
}

/** Everything a late joiner missed: the demo's runs since it was last reset, oldest first. */
export interface SnapshotMessage {
  type: 'snapshot'
  demoId: string
  runs: RunRecord[]
}

export interface RunRecord {
  started: RunStartedMessage
  events: AsciicastOutputEvent[]
  ended?: RunEndedMessage
  /** Output bytes (UTF-8) the server did not keep for late joiners: the run printed more than
   *  its history may hold. Then the last event is a visible `[… output cut: N bytes not kept …]`
   *  line, so a replay shows the gap too. */
  cutBytes?: number
}

export interface RemovedCounts {
  containers: number
  networks: number
  volumes: number
}

/** An object of the deck that a reset could not remove; the reset went on with the others. */
export interface NotRemoved {
  kind: 'container' | 'network' | 'volume'
  /** As `docker ps` / `docker network ls` / `docker volume ls` shows it. */
  name: string
  /** The daemon's words, what still holds the object, and what to do. */
  reason: string
}

/** What one reset did: every object it could remove is gone, each other one is named. */
export interface ResetReport {
  removed: RemovedCounts
  notRemoved: NotRemoved[]
}

export interface ResetDoneMessage {
  type: 'reset-done'
  demoId?: string
  removed: RemovedCounts
  /** Present when something stayed (the reset is then incomplete; see describeNotRemoved). */
  notRemoved?: NotRemoved[]
}

export interface ErrorMessage extends ErrorPayload {
  type: 'error'
  /** The request type that caused it, when known. */
  request?: string
  demoId?: string
}

export type ServerMessage =
  | StatusMessage
  | RunStartedMessage
  | OutputMessage
  | RunEndedMessage
  | SnapshotMessage
  | ResetDoneMessage
  | ErrorMessage

// ---------------------------------------------------------------------------------------------
// Errors

export const ERROR_CODES = [
  'BAD_JSON',
  'BAD_MESSAGE',
  'TOO_LARGE',
  /** The window fell behind on output and was disconnected (close code CLOSE_TOO_SLOW). */
  'TOO_SLOW',
  'UNAUTHORIZED',
  'UNKNOWN_DEMO',
  'UNKNOWN_STEP',
  'UNKNOWN_RUN',
  'BUSY',
  'TOO_MANY_RUNS',
  'ENGINE_UNAVAILABLE',
  'IMAGE_MISSING',
  'NAME_CONFLICT',
  'NEEDS_INTERNET',
  'UNSUPPORTED_COMMAND',
  'STEP_FAILED',
  /** A reset removed what it could; reset-done's `notRemoved` names what stayed, and why. */
  'RESET_INCOMPLETE',
  'INTERNAL',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ErrorPayload {
  code: ErrorCode
  message: string
}

export class DemoError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'DemoError'
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message }
  }
}

/** One line per object a reset left behind, the same in the CLI and on the slide. */
export function describeNotRemoved(item: NotRemoved): string {
  return `${item.kind} "${item.name}": ${item.reason}`
}

export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof DemoError)
    return error.toPayload()
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) }
}

// ---------------------------------------------------------------------------------------------
// Validation at the edge: the server never trusts a frame's shape.

/** Client messages are flat objects of strings, numbers and booleans (depth 1). A little room
 *  above that lets a nested field be refused by name; far beyond it, a frame is refused before
 *  JSON.parse builds it, so nothing later (validation, error text, logs) walks a deep value. */
export const MAX_NESTING_DEPTH = 8

interface Field {
  check: (value: unknown) => boolean
  /** What the field must be, for the error message. */
  expected: string
}

const NAME: Field = { check: v => typeof v === 'string' && v.length > 0 && v.length <= 256, expected: 'a string of 1 to 256 characters' }
const OPTIONAL_NAME: Field = { check: v => v === undefined || NAME.check(v), expected: `absent or ${NAME.expected}` }
const DIMENSION: Field = { check: v => Number.isInteger(v) && (v as number) > 0 && (v as number) <= 1000, expected: 'a whole number from 1 to 1000' }
const OPTIONAL_DIMENSION: Field = { check: v => v === undefined || DIMENSION.check(v), expected: `absent or ${DIMENSION.expected}` }

const shapes: Record<ClientMessage['type'], Record<string, Field>> = {
  run: {
    token: NAME,
    demoId: NAME,
    step: { check: v => v === undefined || (Number.isInteger(v) && (v as number) >= 1), expected: 'absent or a whole number from 1' },
    interactive: { check: v => v === undefined || typeof v === 'boolean', expected: 'absent or true or false' },
    cols: OPTIONAL_DIMENSION,
    rows: OPTIONAL_DIMENSION,
  },
  cancel: { token: NAME, demoId: NAME },
  reset: { token: NAME, demoId: OPTIONAL_NAME },
  input: { token: NAME, runId: NAME, data: { check: v => typeof v === 'string' && v.length <= MAX_INPUT_CHARS, expected: `a string of at most ${MAX_INPUT_CHARS} characters` } },
  resize: { token: NAME, runId: NAME, cols: DIMENSION, rows: DIMENSION },
  subscribe: { demoId: NAME },
  unsubscribe: { demoId: NAME },
}

/** Parses one frame into a client message, or throws a DemoError with a stable code. */
export function parseClientMessage(frame: string): ClientMessage {
  const tooDeep = firstTooDeep(frame, MAX_NESTING_DEPTH)
  if (tooDeep !== undefined)
    throw new DemoError('BAD_MESSAGE', `The message nests arrays or objects more than ${MAX_NESTING_DEPTH} levels deep (at character ${tooDeep + 1}); a client message is one flat JSON object, e.g. {"type":"subscribe","demoId":"hello"}.`)
  let value: unknown
  try {
    value = JSON.parse(frame)
  }
  catch {
    throw new DemoError('BAD_JSON', 'The message is not JSON. Send one JSON object per frame.')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DemoError('BAD_MESSAGE', `The message must be a JSON object with a "type", got ${describeValue(value)}.`)
  const record = value as Record<string, unknown>
  const type = record.type
  // Own keys only: `in` would also accept "toString", "constructor", ... from the prototype.
  if (typeof type !== 'string' || !Object.hasOwn(shapes, type))
    throw new DemoError('BAD_MESSAGE', `Unknown message type ${Object.hasOwn(record, 'type') ? describeValue(type) : '(no "type" field)'}; expected one of ${Object.keys(shapes).join(', ')}.`)
  const shape = shapes[type as ClientMessage['type']]
  for (const [key, field] of Object.entries(shape)) {
    const given = Object.hasOwn(record, key) ? record[key] : undefined
    if (!field.check(given))
      throw new DemoError('BAD_MESSAGE', `"${type}" message has an invalid or missing "${key}": got ${given === undefined ? 'nothing' : describeValue(given)}, expected ${field.expected}.`)
  }
  for (const key of Object.keys(record)) {
    if (key !== 'type' && !Object.hasOwn(shape, key))
      throw new DemoError('BAD_MESSAGE', `"${type}" message has an unknown field ${quoteShort(key)}; it takes ${Object.keys(shape).join(', ')}.`)
  }
  return record as unknown as ClientMessage
}

/**
 * The index of the first `[` or `{` that opens level `limit + 1`, outside strings; undefined
 * when the text stays within `limit`. One pass, no recursion, no allocation: it runs before
 * JSON.parse on text nobody vouches for. Text that is not JSON may be counted loosely, but
 * either way it is refused with a code.
 */
function firstTooDeep(text: string, limit: number): number | undefined {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5C) // backslash: the next character is escaped
        i++
      else if (c === 0x22)
        inString = false
    }
    else if (c === 0x22) {
      inString = true
    }
    else if (c === 0x5B || c === 0x7B) {
      if (++depth > limit)
        return i
    }
    else if (c === 0x5D || c === 0x7D) {
      depth--
    }
  }
  return undefined
}

/** A value from a frame, named for an error message without walking into it: arrays and
 *  objects by kind, strings quoted and cut short (a frame may carry 64 KB). */
function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return `the string ${quoteShort(value)}`
  if (Array.isArray(value))
    return `an array of ${value.length} items`
  if (value === null)
    return 'null'
  if (typeof value === 'object')
    return 'an object'
  if (typeof value === 'number' || typeof value === 'boolean')
    return `${typeof value} ${String(value)}`
  return typeof value
}

const QUOTE_CHARS = 40

function quoteShort(text: string): string {
  return text.length <= QUOTE_CHARS ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, QUOTE_CHARS))}... (${text.length} characters)`
}

/** Code points per `input` part: within MAX_INPUT_CHARS (two units per astral character), and
 *  within MAX_MESSAGE_BYTES, envelope included, even when every one is JSON-escaped as \u00XX
 *  (six bytes). */
const INPUT_PART_CODE_POINTS = Math.min(MAX_INPUT_CHARS / 2, MAX_MESSAGE_BYTES / 8)

/** Terminal input as `input` messages the server takes: a paste or a pipe may arrive as one
 *  chunk larger than one message may carry. Never splits a character. */
export function splitInput(data: string): string[] {
  const codePoints = Array.from(data)
  const parts: string[] = []
  for (let i = 0; i < codePoints.length; i += INPUT_PART_CODE_POINTS)
    parts.push(codePoints.slice(i, i + INPUT_PART_CODE_POINTS).join(''))
  return parts
}

export function isControlRequest(message: ClientMessage): message is ControlRequest {
  return (CONTROL_TYPES as readonly string[]).includes(message.type)
}
