/**
 * The demo server's public surface. Components import the protocol; the deck check imports the
 * parser; hosts (Vite, the CLI, tests) import the server.
 */

// The wire protocol: every message between a slide and the server.
export type {
  AsciicastHeader,
  AsciicastOutputEvent,
  ClientMessage,
  ControlRequest,
  DemoSummary,
  EngineStatus,
  ErrorCode,
  ErrorMessage,
  ErrorPayload,
  RunEndedMessage,
  RunOutcome,
  RunRecord,
  RunStartedMessage,
  ServerMessage,
  SnapshotMessage,
  StatusMessage,
  StepSummary,
} from './protocol'
export {
  CLOSE_TOO_LARGE,
  DemoError,
  ERROR_CODES,
  isControlRequest,
  MAX_MESSAGE_BYTES,
  parseClientMessage,
  LOGIN_PATH,
  PROTOCOL_PATH,
  PROTOCOL_VERSION,
  TOKEN_PATH,
  toErrorPayload,
} from './protocol'

// The deck: parsing demos out of slides.md.
export type { Deck, DeckProblem, Demo, Step } from './deck/model'
export { DEFAULT_STEP_TIMEOUT_MS, formatProblem } from './deck/model'
export { parseDeck } from './deck/parse'

// The engine seam.
export type { DemoEngine, StepIO, StepResult, StepRunContext } from './engine/types'

// The server: hosted by Vite (the deck's own origin) or standalone (CLI, tests).
export type { DemoServer, DemoServerOptions } from './server/demo-server'
export { createDemoServer, deckIdOf } from './server/demo-server'
export type { RunEvent, RunOptions, StartedSequence } from './server/run-manager'
export { ACCEPTABLE_OUTCOMES, RunManager } from './server/run-manager'
export type { StandaloneOptions, StandaloneServer } from './server/standalone'
export { startStandaloneServer } from './server/standalone'
export type { DockerDemoPluginOptions } from './server/vite-plugin'
export { dockerDemoPlugin } from './server/vite-plugin'
export { NodeDemoClient } from './server/client'
