/**
 * Every WebSocket message between the deck (components/) and the demo server, in one place.
 * Both sides import this module; nothing else crosses the wire.
 *
 * Output events have the shape of asciicast v2 events, so a live run and a `.cast` recording
 * are the same data: a run opens with an asciicast header and streams `[time, "o", data]`.
 */

/** The path the server answers WebSocket upgrades on, relative to the deck's origin. */
export const PROTOCOL_PATH = '/__docker-demo'
/** GET here returns `{ token }` to a same-origin request from loopback (the presenter's own
 *  browser); anyone else gets 403 and may only watch. */
export const TOKEN_PATH = '/__docker-demo/token'
export const PROTOCOL_VERSION = 1
/** Frames above this size are refused (code TOO_LARGE); terminal input is the largest we expect. */
export const MAX_MESSAGE_BYTES = 64 * 1024
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
  command: string
  prompt: string
  target: 'docker' | 'host' | 'container'
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

export interface ResetDoneMessage {
  type: 'reset-done'
  demoId?: string
  removed: { containers: number; networks: number; volumes: number }
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

export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof DemoError)
    return error.toPayload()
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) }
}

// ---------------------------------------------------------------------------------------------
// Validation at the edge: the server never trusts a frame's shape.

type Check = (value: unknown) => boolean
const isString: Check = v => typeof v === 'string' && v.length > 0 && v.length <= 256
const isOptionalString: Check = v => v === undefined || isString(v)
const isDimension: Check = v => Number.isInteger(v) && (v as number) > 0 && (v as number) <= 1000
const isOptionalDimension: Check = v => v === undefined || isDimension(v)

const shapes: Record<ClientMessage['type'], Record<string, Check>> = {
  run: {
    token: isString,
    demoId: isString,
    step: v => v === undefined || (Number.isInteger(v) && (v as number) >= 1),
    interactive: v => v === undefined || typeof v === 'boolean',
    cols: isOptionalDimension,
    rows: isOptionalDimension,
  },
  cancel: { token: isString, demoId: isString },
  reset: { token: isString, demoId: isOptionalString },
  input: { token: isString, runId: isString, data: v => typeof v === 'string' && v.length <= MAX_INPUT_CHARS },
  resize: { token: isString, runId: isString, cols: isDimension, rows: isDimension },
  subscribe: { demoId: isString },
  unsubscribe: { demoId: isString },
}

/** Parses one frame into a client message, or throws a DemoError with a stable code. */
export function parseClientMessage(frame: string): ClientMessage {
  let value: unknown
  try {
    value = JSON.parse(frame)
  }
  catch {
    throw new DemoError('BAD_JSON', 'The message is not JSON. Send one JSON object per frame.')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DemoError('BAD_MESSAGE', 'The message must be a JSON object with a "type".')
  const record = value as Record<string, unknown>
  const type = record.type
  // Own keys only: `in` would also accept "toString", "constructor", ... from the prototype.
  if (typeof type !== 'string' || !Object.hasOwn(shapes, type))
    throw new DemoError('BAD_MESSAGE', `Unknown message type ${JSON.stringify(type)}; expected one of ${Object.keys(shapes).join(', ')}.`)
  const shape = shapes[type as ClientMessage['type']]
  for (const [key, check] of Object.entries(shape)) {
    if (!check(record[key]))
      throw new DemoError('BAD_MESSAGE', `"${type}" message has an invalid or missing "${key}".`)
  }
  for (const key of Object.keys(record)) {
    if (key !== 'type' && !Object.hasOwn(shape, key))
      throw new DemoError('BAD_MESSAGE', `"${type}" message has an unknown field "${key}".`)
  }
  return record as unknown as ClientMessage
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
