/**
 * The narrow interface between the run manager (demo-server/server/) and the Docker engine
 * (demo-server/engine/). The server asks to run a step, to reset a demo and for the engine's
 * status; it never calls dockerode itself.
 */
import type { Step } from '../deck/model.ts'
import type { EngineStatus, ResetReport } from '../protocol.ts'

export type { RemovedCounts, ResetReport } from '../protocol.ts'

/** Where a step's terminal bytes go, and where presenter keystrokes come from. */
export interface StepIO {
  /** Terminal bytes as shown to the audience (`\r\n` line ends for TTY output). */
  write: (data: string) => void
  /** Presenter input for an interactive step; returns the remover. */
  onInput: (listener: (data: string) => void) => () => void
  onResize: (listener: (cols: number, rows: number) => void) => () => void
}

export interface StepRunContext {
  /** Label value that scopes everything to this deck (derived from the deck's path). */
  deckId: string
  demoId: string
  runId: string
  /** The demos this one uses, in the deck's order: its shell starts from their state. */
  uses: readonly string[]
  /** The deck's working directory, where the demo's shell starts; exists before the step runs. */
  workdir: string
  /** A delay per typed character (the demo's `typing`); 0 types each line at once. */
  typingMs: number
  /** Never pull: a missing image is an IMAGE_MISSING error naming the command that prepares it. */
  offline: boolean
  /** A presenter terminal is attached: keep the program a line starts (`run -it`, `exec -it`,
   *  `attach`) until it ends or is cancelled. Otherwise such a line ends at the program's prompt. */
  interactive: boolean
  cols: number
  rows: number
  /** Aborted on cancel or timeout: the process inside must really be stopped. */
  signal: AbortSignal
}

export interface StepResult {
  exitCode: number
}


export interface DemoEngine {
  status: () => Promise<EngineStatus>
  /** Throws DemoError (protocol.ts) for refusals: IMAGE_MISSING, NAME_CONFLICT, NEEDS_INTERNET,
   *  UNSUPPORTED_COMMAND, ENGINE_UNAVAILABLE. A command that ran and failed returns its exit code. */
  runStep: (step: Step, context: StepRunContext, io: StepIO) => Promise<StepResult>
  /** Removes only objects labelled with this deck (and demo, when given). Goes on past an
   *  object that cannot go and names it in `notRemoved`; throws only when the engine does not
   *  answer (ENGINE_UNAVAILABLE). */
  reset: (scope: { deckId: string, demoId?: string }) => Promise<ResetReport>
  close: () => Promise<void>
}
