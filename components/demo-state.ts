/**
 * What one browser window knows about the demos, and how each server message changes it.
 * Pure: `applyServerMessage` mutates a plain state object and does no I/O, so the same code
 * runs under Vue's `reactive()` in the deck and on plain objects in the unit tests.
 */
import type {
  AsciicastHeader,
  AsciicastOutputEvent,
  DemoSummary,
  ErrorPayload,
  NotRemoved,
  RunEndedMessage,
  RunOutcome,
  RunRecord,
  ServerMessage,
  StatusMessage,
  StepSummary,
} from '../demo-server/protocol.ts'
import { describeNotRemoved } from '../demo-server/protocol.ts'

export interface RunView {
  runId: string
  step: number
  command: string
  prompt: string
  interactive: boolean
  header: AsciicastHeader
  events: AsciicastOutputEvent[]
  ended?: RunEndedMessage
}

export interface DemoView {
  runs: RunView[]
  /** Coded errors about this demo (refused requests), newest last. */
  errors: ErrorPayload[]
  /** A snapshot arrived since the last subscribe: `runs` is the server's truth. */
  synced: boolean
}

export interface ClientState {
  status?: StatusMessage
  demos: Record<string, DemoView>
  /** Coded errors not about one demo, newest last. */
  errors: ErrorPayload[]
}

/** How many errors are kept per list: enough to read, not enough to fill a slide. */
export const MAX_ERRORS = 3

export function createClientState(): ClientState {
  return { demos: {}, errors: [] }
}

export function demoView(state: ClientState, demoId: string): DemoView {
  let view = state.demos[demoId]
  if (!view) {
    state.demos[demoId] = { runs: [], errors: [], synced: false }
    view = state.demos[demoId] // re-read: under reactive() this is the proxy
  }
  return view
}

export function runFromRecord(record: RunRecord): RunView {
  const s = record.started
  return {
    runId: s.runId,
    step: s.step,
    command: s.command,
    prompt: s.prompt,
    interactive: s.interactive,
    header: s.header,
    events: [...record.events],
    ended: record.ended,
  }
}

/** Appends a coded error, dropping the oldest beyond MAX_ERRORS. */
export function pushError(list: ErrorPayload[], error: ErrorPayload): void {
  list.push({ code: error.code, message: error.message })
  if (list.length > MAX_ERRORS)
    list.splice(0, list.length - MAX_ERRORS)
}

/** One coded error listing every object a reset could not remove, or undefined when none. */
export function resetIncomplete(notRemoved: NotRemoved[]): ErrorPayload | undefined {
  if (notRemoved.length === 0)
    return undefined
  return { code: 'RESET_INCOMPLETE', message: `Reset left ${notRemoved.map(describeNotRemoved).join('; ')}` }
}

function findRun(view: DemoView | undefined, runId: string): RunView | undefined {
  return view?.runs.find(r => r.runId === runId)
}

/**
 * Applies one server message. Messages for a run the window does not know (it joined after the
 * run started and its snapshot has not arrived) are dropped: the snapshot will carry them.
 */
export function applyServerMessage(state: ClientState, message: ServerMessage): void {
  switch (message.type) {
    case 'status':
      state.status = message
      return
    case 'snapshot': {
      const view = demoView(state, message.demoId)
      view.runs = message.runs.map(runFromRecord)
      view.synced = true
      return
    }
    case 'run-started': {
      const view = demoView(state, message.demoId)
      if (findRun(view, message.runId))
        return
      view.runs.push(runFromRecord({ started: message, events: [] }))
      return
    }
    case 'output':
      findRun(state.demos[message.demoId], message.runId)?.events.push(message.event)
      return
    case 'run-ended': {
      const run = findRun(state.demos[message.demoId], message.runId)
      if (run)
        run.ended = message
      return
    }
    case 'reset-done': {
      for (const [id, view] of Object.entries(state.demos)) {
        if (message.demoId === undefined || message.demoId === id) {
          view.runs = []
          view.errors = []
        }
      }
      // What the reset left behind stays on the slide until the next reset.
      const incomplete = resetIncomplete(message.notRemoved ?? [])
      if (incomplete)
        pushError(message.demoId ? demoView(state, message.demoId).errors : state.errors, incomplete)
      return
    }
    case 'error':
      if (message.demoId)
        pushError(demoView(state, message.demoId).errors, message)
      else
        pushError(state.errors, message)
  }
}

// ---------------------------------------------------------------------------------------------
// Derived views, for the buttons and badges.

export function findDemoSummary(state: ClientState, demoId: string): DemoSummary | undefined {
  return state.status?.deck.demos.find(d => d.id === demoId)
}

export function isRunning(view: DemoView | undefined): boolean {
  return !!view?.runs.some(r => !r.ended)
}

/** The step "Run next step" runs: the one after the latest step that ran, or undefined at the end. */
export function nextStep(view: DemoView | undefined, summary: DemoSummary | undefined): number | undefined {
  if (!summary || summary.steps.length === 0)
    return undefined
  const last = view?.runs.length ? view.runs[view.runs.length - 1].step : 0
  const next = last + 1
  return next <= summary.steps.length ? next : undefined
}

export type StepState = 'pending' | 'running' | RunOutcome

/** Each step's latest state, for the numbered step chips. */
export function stepStates(view: DemoView | undefined, summary: DemoSummary | undefined): StepState[] {
  const states: StepState[] = (summary?.steps ?? []).map(() => 'pending')
  for (const run of view?.runs ?? []) {
    if (run.step >= 1 && run.step <= states.length)
      states[run.step - 1] = run.ended ? run.ended.outcome : 'running'
  }
  return states
}

const OUTCOME_LABELS: Record<RunOutcome, string> = {
  'ok': 'ok',
  'failed': 'failed',
  'expected-failure': 'expected failure',
  'unexpected-success': 'unexpectedly succeeded',
  'cancelled': 'cancelled',
  'timeout': 'timeout',
  'error': 'error',
  'skipped': 'skipped',
}

/** The badge text for a finished run, with its exit code, reason or coded error. */
export function outcomeText(ended: RunEndedMessage, step?: StepSummary): string {
  const label = OUTCOME_LABELS[ended.outcome] ?? ended.outcome
  if (ended.outcome === 'skipped') {
    const reason = ended.error?.message
      ?? (step?.shownOnly ? `shown only: ${step.shownOnly}` : step?.online ? '要インターネット (offline)' : undefined)
    return reason ? `${label} — ${reason}` : label
  }
  const parts = [label]
  if ((ended.outcome === 'failed' || ended.outcome === 'expected-failure') && ended.exitCode !== null)
    parts.push(`exit ${ended.exitCode}`)
  if (ended.error)
    parts.push(`${ended.error.code}: ${ended.error.message}`)
  return parts.join(' — ')
}

export function errorText(error: ErrorPayload): string {
  return `${error.code}: ${error.message}`
}
