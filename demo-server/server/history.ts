/**
 * What a late joiner replays: one demo's runs since its last reset, held once for every window.
 * A snapshot references the stored events (never a copy per window) and its frame is
 * serialized at most once per change, however many windows subscribe in between: a crowd of
 * viewers asking for the history costs one frame, not one frame each.
 *
 * Bounded twice: bytes per run and bytes per demo. Output beyond either is counted, not kept,
 * and the run's record ends with a visible cut notice (RunRecord.cutBytes in protocol.ts).
 */
import type { AsciicastOutputEvent, RunEndedMessage, RunRecord, RunStartedMessage, SnapshotMessage } from '../protocol.ts'

export interface HistoryLimits {
  /** Output bytes (UTF-8) kept per run. */
  maxBytesPerRun: number
  /** Output bytes kept across all the demo's runs; a run that finds it spent keeps nothing more. */
  maxBytesPerDemo: number
  /** Runs kept; a step run again and again must not grow the list without end. */
  maxRuns: number
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = {
  maxBytesPerRun: 1024 * 1024,
  maxBytesPerDemo: 4 * 1024 * 1024,
  maxRuns: 100,
}

/** How one run's output reaches its history; StartedRun (step-run.ts) writes through it. */
export interface RunRecorder {
  readonly started: RunStartedMessage
  append: (event: AsciicastOutputEvent) => void
  end: (ended: RunEndedMessage) => void
}

/** The line a replay shows where output was not kept: dim, on a line of its own. */
export function outputCutNotice(bytes: number): string {
  return `\r\n\x1B[2m[… output cut: ${bytes} bytes not kept …]\x1B[0m\r\n`
}

class StoredRun implements RunRecorder {
  readonly events: AsciicastOutputEvent[] = []
  ended?: RunEndedMessage
  keptBytes = 0
  cutBytes = 0
  /** Dropped from the history (beyond maxRuns) while it may still be printing. */
  forgotten = false
  /** When the last output not kept was printed: the cut notice's time in a replay. */
  #cutAt = 0

  constructor(readonly started: RunStartedMessage, private readonly history: DemoHistory) {}

  append(event: AsciicastOutputEvent): void {
    const bytes = Buffer.byteLength(event[2])
    if (this.cutBytes === 0 && this.history.admit(this, bytes)) {
      this.events.push(event)
      this.keptBytes += bytes
    }
    else {
      // Once cut, cut for good: a replay must not show later output as if it followed on.
      this.cutBytes += bytes
      this.#cutAt = event[0]
    }
    this.history.changed()
  }

  end(ended: RunEndedMessage): void {
    this.ended = ended
    this.history.changed()
  }

  toRecord(): RunRecord {
    if (this.cutBytes === 0)
      return { started: this.started, events: this.events, ...(this.ended ? { ended: this.ended } : {}) }
    return {
      started: this.started,
      events: [...this.events, [this.#cutAt, 'o', outputCutNotice(this.cutBytes)]],
      ...(this.ended ? { ended: this.ended } : {}),
      cutBytes: this.cutBytes,
    }
  }
}

export class DemoHistory {
  readonly #runs: StoredRun[] = []
  #keptBytes = 0
  /** The serialized snapshot, until the next change. */
  #frame?: Buffer

  constructor(readonly demoId: string, readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS) {}

  /** Records a run that has started; the oldest runs beyond maxRuns are forgotten. */
  start(started: RunStartedMessage): RunRecorder {
    const run = new StoredRun(started, this)
    this.#runs.push(run)
    for (const old of this.#runs.splice(0, Math.max(0, this.#runs.length - this.limits.maxRuns))) {
      old.forgotten = true
      this.#keptBytes -= old.keptBytes
    }
    this.changed()
    return run
  }

  /** The runs as records that reference the stored events (for tests and the CLI). */
  snapshot(): SnapshotMessage {
    return { type: 'snapshot', demoId: this.demoId, runs: this.#runs.map(run => run.toRecord()) }
  }

  /** The snapshot as one UTF-8 frame, shared by every window that subscribes until it changes. */
  snapshotFrame(): Buffer {
    this.#frame ??= Buffer.from(JSON.stringify(this.snapshot()))
    return this.#frame
  }

  get keptBytes(): number {
    return this.#keptBytes
  }

  /** @internal Whether `run` may keep `bytes` more; counts them if so. */
  admit(run: StoredRun, bytes: number): boolean {
    if (run.forgotten || run.keptBytes + bytes > this.limits.maxBytesPerRun || this.#keptBytes + bytes > this.limits.maxBytesPerDemo)
      return false
    this.#keptBytes += bytes
    return true
  }

  /** @internal */
  changed(): void {
    this.#frame = undefined
  }
}
