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
} from './protocol.ts'
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
} from './protocol.ts'

// The deck: parsing demos out of slides.md.
export type { Deck, DeckProblem, Demo, Step } from './deck/model.ts'
export { DEFAULT_STEP_TIMEOUT_MS, formatProblem } from './deck/model.ts'
export { parseDeck } from './deck/parse.ts'

// The engine seam.
export type { DemoEngine, StepIO, StepResult, StepRunContext } from './engine/types.ts'

// The server: hosted by Vite (the deck's own origin) or standalone (CLI, tests).
export type { DemoServer, DemoServerOptions } from './server/demo-server.ts'
export { createDemoServer, deckIdOf } from './server/demo-server.ts'
export type { RunEvent, RunOptions, StartedSequence } from './server/run-manager.ts'
export { ACCEPTABLE_OUTCOMES, RunManager } from './server/run-manager.ts'
export type { StandaloneOptions, StandaloneServer } from './server/standalone.ts'
export { startStandaloneServer } from './server/standalone.ts'
export type { DockerDemoPluginOptions } from './server/vite-plugin.ts'
export { dockerDemoPlugin } from './server/vite-plugin.ts'
export { NodeDemoClient } from './server/client.ts'
