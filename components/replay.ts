/**
 * Replaying recorded runs with their real timing. The timeline is pure (a list of "at this many
 * seconds, show this event of that run"); ReplayPlayer walks it with an injected clock and pushes
 * each event into the RunView the terminal shows, so a replay reaches the terminal exactly as a
 * live run does: output events appended to a run's `events`.
 */
import type { RunRecord } from '../demo-server/protocol.ts'
import type { RunView } from './demo-state.ts'
import { runFromRecord } from './demo-state.ts'

/** asciinema's idle_time_limit: a recorded pause longer than this plays as this long. */
export const MAX_IDLE_SECONDS = 1.5
/** The pause between one step's end and the next step's start. */
export const STEP_GAP_SECONDS = 0.6
export const SPEEDS = [1, 2, 4] as const

export interface TimelineEntry {
  /** Seconds from the replay's start, idle time already capped. */
  at: number
  run: number
  event: number
}

/** Every event of every run on one clock: runs one after another, pauses capped. */
export function replayTimeline(runs: RunRecord[], maxIdle = MAX_IDLE_SECONDS, stepGap = STEP_GAP_SECONDS): TimelineEntry[] {
  const entries: TimelineEntry[] = []
  let offset = 0
  runs.forEach((run, r) => {
    if (r > 0)
      offset += stepGap
    let previous = 0
    let at = offset
    run.events.forEach(([time], e) => {
      at += Math.min(Math.max(0, time - previous), maxIdle)
      previous = time
      entries.push({ at, run: r, event: e })
    })
    offset = at
  })
  return entries
}

/** How many timeline entries are due at `position` seconds (entries are sorted by `at`). */
export function entriesDue(timeline: TimelineEntry[], position: number): number {
  let n = 0
  while (n < timeline.length && timeline[n].at <= position)
    n++
  return n
}

/** Wall-clock milliseconds until entry `next` is due, at `speed`. */
export function delayUntil(timeline: TimelineEntry[], next: number, position: number, speed: number): number | undefined {
  const entry = timeline[next]
  return entry ? Math.max(0, (entry.at - position) * 1000 / speed) : undefined
}

export interface Clock {
  now: () => number
  setTimeout: (fn: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: handle => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

export type ReplayState = 'paused' | 'playing' | 'done'

/**
 * Plays `records` into `runs`. A run appears when its first event is due and gets its `ended`
 * once its last event has been shown, so badges come up as they did live. Pass a reactive
 * `onChange` (or wrap the player in `reactive()`) to re-render.
 */
export class ReplayPlayer {
  readonly runs: RunView[] = []
  state: ReplayState = 'paused'
  speed: number = 1
  private readonly timeline: TimelineEntry[]
  private shown = 0
  private position = 0
  private startedAt = 0
  private timer: unknown

  constructor(private readonly records: RunRecord[], private readonly clock: Clock = realClock) {
    this.timeline = replayTimeline(records)
    this.showDue() // runs without events (skipped steps) and events at 0 show at once
  }

  get done(): boolean {
    return this.state === 'done'
  }

  play(): void {
    if (this.state !== 'paused')
      return
    this.state = 'playing'
    this.startedAt = this.clock.now()
    this.schedule()
  }

  pause(): void {
    if (this.state !== 'playing')
      return
    this.position = this.currentPosition()
    this.clock.clearTimeout(this.timer)
    this.state = 'paused'
  }

  setSpeed(speed: number): void {
    const playing = this.state === 'playing'
    this.pause()
    this.speed = speed
    if (playing)
      this.play()
  }

  /** Everything at once, as it ended. */
  skipToEnd(): void {
    this.clock.clearTimeout(this.timer)
    this.position = this.timeline.at(-1)?.at ?? 0
    this.showDue()
    this.finish()
  }

  /** From the beginning again, playing. */
  restart(): void {
    this.clock.clearTimeout(this.timer)
    this.runs.splice(0)
    this.shown = 0
    this.position = 0
    this.state = 'paused'
    this.showDue()
    this.play()
  }

  dispose(): void {
    this.clock.clearTimeout(this.timer)
    if (this.state === 'playing')
      this.state = 'paused'
  }

  private currentPosition(): number {
    return this.state === 'playing'
      ? this.position + (this.clock.now() - this.startedAt) * this.speed / 1000
      : this.position
  }

  private schedule(): void {
    const position = this.currentPosition()
    this.showDue(position)
    const delay = delayUntil(this.timeline, this.shown, position, this.speed)
    if (delay === undefined) {
      this.position = position
      this.finish()
      return
    }
    this.timer = this.clock.setTimeout(() => this.schedule(), delay)
  }

  private showDue(position = this.position): void {
    const due = entriesDue(this.timeline, position)
    for (; this.shown < due; this.shown++) {
      const { run, event } = this.timeline[this.shown]
      this.viewOf(run).events.push(this.records[run].events[event])
      this.endIfComplete(run)
    }
    // Runs with no events at all (a skipped step) have nothing on the timeline: they appear as
    // soon as everything before them has.
    const nextRun = this.timeline[this.shown]?.run ?? this.records.length
    for (let r = this.runs.length; r < nextRun; r++) {
      this.viewOf(r)
      this.endIfComplete(r)
    }
  }

  private viewOf(r: number): RunView {
    while (this.runs.length <= r)
      this.runs.push({ ...runFromRecord(this.records[this.runs.length]), events: [], ended: undefined })
    return this.runs[r]
  }

  private endIfComplete(r: number): void {
    const view = this.runs[r]
    if (view.events.length === this.records[r].events.length)
      view.ended = this.records[r].ended
  }

  private finish(): void {
    this.state = 'done'
    for (let r = 0; r < this.records.length; r++) {
      this.viewOf(r)
      this.endIfComplete(r)
    }
  }
}
