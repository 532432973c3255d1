/**
 * Which output a demo shows: the live run or its recording. Pure, so every case of the fallback
 * is a unit test (test/components/demo-source.test.ts) rather than a browser session.
 *
 * The recording takes over by itself when live cannot work (no server, server gone, engine
 * unavailable) and when a live step fails unexpectedly; the live error stays on the slide and
 * one key (R) switches between the two. A replay is always marked as one (録画) by the caller.
 */
import type { RunOutcome } from '../demo-server/protocol.ts'
import type { ConnectionState } from './demo-client.ts'
import type { RunView } from './demo-state.ts'

export type OutputSource = 'live' | 'recording'

export interface SourceInput {
  /** The page was built with a demo server (dev server, export) rather than as static files. */
  serverBuilt: boolean
  connection: ConnectionState | undefined
  /** From the server's status; undefined before the first status. */
  engineAvailable: boolean | undefined
  /** The demo has a recording to fall back to. */
  hasRecording: boolean
  /** The live failure to fall back from (liveFailure of this demo or of one it `uses`). */
  failure?: RunView
  /** A live run of this demo (or one it uses) is under way: live output wins. */
  running: boolean
  /** The presenter pressed R: flips whatever was chosen automatically. */
  flipped: boolean
}

export interface SourceChoice {
  source: OutputSource
  /** Why the recording shows, for the 録画 badge's tooltip; undefined when live. */
  reason?: string
}

/** Outcomes that mean the live demo went wrong, as opposed to ending as the deck said. */
const FAILURES: ReadonlySet<RunOutcome> = new Set(['failed', 'unexpected-success', 'timeout', 'error'])

/** The demo's latest ended run when it ended unexpectedly badly: a later good run (a retry)
 *  clears an earlier failure. */
export function liveFailure(runs: RunView[]): RunView | undefined {
  const last = [...runs].reverse().find(run => run.ended)
  return last && FAILURES.has(last.ended!.outcome) ? last : undefined
}

/** Why live output cannot be had right now, or undefined when it can. */
export function liveUnavailable(input: Pick<SourceInput, 'serverBuilt' | 'connection' | 'engineAvailable'>): string | undefined {
  if (!input.serverBuilt)
    return 'static build: no demo server'
  if (input.connection === 'unavailable')
    return 'demo server not available'
  if (input.engineAvailable === false)
    return 'Docker engine not available'
  return undefined
}

export function chooseSource(input: SourceInput): SourceChoice {
  if (!input.hasRecording)
    return { source: 'live' }
  const unavailable = liveUnavailable(input)
  const failure = input.failure
  let automatic: SourceChoice
  if (unavailable)
    automatic = { source: 'recording', reason: unavailable }
  else if (failure && !input.running)
    automatic = { source: 'recording', reason: `live step ${failure.step} ended: ${failure.ended!.outcome}` }
  else
    automatic = { source: 'live' }
  // Flipping to live is only offered when live is possible at all.
  if (!input.flipped || (automatic.source === 'recording' && unavailable))
    return automatic
  return automatic.source === 'live'
    ? { source: 'recording', reason: 'shown on request (R)' }
    : { source: 'live' }
}
