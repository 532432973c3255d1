/**
 * The deck's recordings as the page receives them, and the one adapter from a recording to the
 * protocol's RunRecord: after it, a replay is the same data as a live run (DemoOutput cannot
 * tell them apart, so DockerDemo marks replays as 録画 itself).
 *
 * demo-server/server/recordings-plugin.ts builds the data in Node (parse, staleness, handout
 * HTML) and serves it as the virtual module `virtual:docker-demo-recordings`.
 */
import type { RunRecord } from '../demo-server/protocol.ts'
import type { RecordedStep, StaleStep } from '../demo-server/recordings/cast-file.ts'
import { describeStale } from '../demo-server/recordings/cast-file.ts'
import type { HandoutStep } from '../demo-server/recordings/handout.ts'

export const RECORDINGS_MODULE = 'virtual:docker-demo-recordings'

export interface DemoRecording {
  demoId: string
  /** The .cast file, relative to the deck's directory, for messages. */
  file: string
  recordedAt?: string
  width: number
  height: number
  steps: RecordedStep[]
  /** Steps whose recording no longer matches the deck (a warning badge, not a refusal). */
  stale: StaleStep[]
  /** Each step's final output as HTML, for print. */
  handout: HandoutStep[]
}

export interface RecordingsData {
  /** Built with a demo server beside it (dev server, export); false for `slidev build`. */
  serverBuilt: boolean
  recordings: Record<string, DemoRecording>
  /** Demo ids of the deck with no recording, and recordings that could not be read. */
  missing: string[]
  problems: string[]
}

/** A recording as the runs a live server would have sent. */
export function recordedRuns(recording: DemoRecording): RunRecord[] {
  return recording.steps.map((step) => {
    const runId = `recording-${recording.demoId}-${step.index}`
    return {
      started: {
        type: 'run-started',
        runId,
        demoId: recording.demoId,
        step: step.index,
        command: step.command,
        prompt: step.prompt,
        interactive: false,
        header: { version: 2, width: recording.width, height: recording.height, timestamp: 0 },
      },
      events: step.events,
      ended: { type: 'run-ended', runId, demoId: recording.demoId, step: step.index, outcome: step.outcome, exitCode: step.exitCode ?? null },
    }
  })
}

/** "step 2's command changed, step 3 was added", for the stale badge. */
export function staleText(stale: StaleStep[]): string {
  return stale.map(describeStale).join(', ')
}
