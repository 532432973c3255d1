/**
 * What to write into a demo's one terminal as its runs grow. Pure: the terminal component keeps
 * the FeedState, asks `planFeed` for the bytes to write, and writes them. Runs are written one
 * after another, as they would scroll by in a real terminal; a run whose output does not start
 * with its own `prompt command` line (one that never started, or an old recording) gets that
 * line from here.
 *
 * Live output grows by appending events to the same arrays; a snapshot or a reset brings new
 * arrays. Anything but growth at the end means "start the terminal over".
 */
import type { AsciicastOutputEvent } from '../demo-server/protocol.ts'

export interface FeedRun {
  runId: string
  prompt: string
  command: string
  events: AsciicastOutputEvent[]
  /** Set once the run is over: a run that ended without output still gets its header line. */
  ended?: unknown
}

export interface FedRun {
  runId: string
  events: AsciicastOutputEvent[]
  fed: number
  /** Its first bytes (header or output) are written. */
  begun: boolean
}

export interface FeedState {
  runs: FedRun[]
  /** The last byte written ended a line (or nothing was written). */
  atLineStart: boolean
}

export const EMPTY_FEED: FeedState = { runs: [], atLineStart: true }

export interface FeedPlan {
  /** Clear the terminal before writing. */
  reset: boolean
  data: string
  next: FeedState
}

/** Colours of the header line a run gets when its output lacks one. */
const PROMPT_STYLE = '\x1B[32m'
const PLAIN = '\x1B[0m'

/** A run shows the shell's own prompt and echo (demo-server/engine/demo-shell.ts); only a run
 *  that ended without printing anything (refused before its line was typed) gets its line from
 *  here, so the terminal still says which line it was. */
export function carriesHeader(run: FeedRun): boolean {
  return run.events.length > 0
}

export function headerLine(run: { prompt: string, command: string }): string {
  return `${PROMPT_STYLE}${run.prompt || '$ '}${PLAIN}${run.command}\r\n`
}

export function planFeed(previous: FeedState, runs: FeedRun[]): FeedPlan {
  const continues = previous.runs.length <= runs.length
    && previous.runs.every((fed, i) => fed.runId === runs[i].runId && fed.events === runs[i].events && fed.fed <= runs[i].events.length)
  let atLineStart = continues ? previous.atLineStart : true
  let data = ''
  const write = (bytes: string) => {
    if (!bytes)
      return
    data += bytes
    atLineStart = bytes.endsWith('\n')
  }
  const next: FedRun[] = []
  for (const [i, run] of runs.entries()) {
    const fed = continues ? previous.runs[i] : undefined
    let begun = fed?.begun ?? false
    // Later runs wait until this one has begun: output stays in run order.
    if (!begun && (run.events.length > 0 || run.ended)) {
      if (!atLineStart)
        write('\r\n')
      if (!carriesHeader(run))
        write(headerLine(run))
      begun = true
    }
    if (!begun) {
      next.push({ runId: run.runId, events: run.events, fed: 0, begun })
      // Keep the rest for the next plan, unfed.
      for (const later of runs.slice(i + 1))
        next.push({ runId: later.runId, events: later.events, fed: 0, begun: false })
      break
    }
    for (let e = fed?.fed ?? 0; e < run.events.length; e++)
      write(run.events[e][2])
    next.push({ runId: run.runId, events: run.events, fed: run.events.length, begun })
  }
  return { reset: !continues && previous.runs.length > 0, data, next: { runs: next, atLineStart } }
}

/** Plain text of output events, for comparisons: what a terminal shows, minus colours. */
export function eventsText(events: AsciicastOutputEvent[]): string {
  // eslint-disable-next-line no-control-regex
  return events.map(e => e[2]).join('').replace(/\x1B\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n/g, '\n')
}
