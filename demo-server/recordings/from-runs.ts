/**
 * A demo's runs, as a client saw them on the socket, become one Recording. Pure: the rehearsal
 * (rehearsal.ts) collects the messages, this lays the steps end to end in one file.
 */
import type { AsciicastOutputEvent, RunEndedMessage, RunStartedMessage } from '../protocol.ts'
import type { DockerDemoMeta, RecordedStep, Recording } from './cast-file.ts'
import { commandHash, HEADER_KEY } from './cast-file.ts'

/** One step's run: the server's messages, untouched, and how long it took. */
export interface CollectedRun {
  started: RunStartedMessage
  events: AsciicastOutputEvent[]
  ended: RunEndedMessage
  /** Seconds between run-started and run-ended, as the client measured them. */
  seconds: number
}

export interface RecordingContext extends Omit<DockerDemoMeta, 'steps' | 'recordedAt'> {
  title?: string
  recordedAt: Date
  env?: Record<string, string>
}

const micros = (seconds: number) => Math.round(seconds * 1e6)

/** Steps follow each other without a gap: each starts where the previous one ended (a step
 *  lasts at least until its last output). */
export function recordingFromRuns(runs: readonly CollectedRun[], context: RecordingContext): Recording {
  if (runs.length === 0)
    throw new Error(`demo "${context.demoId}" has no runs to record`)
  let start = 0
  const steps: RecordedStep[] = runs.map(({ started, events, ended, seconds }) => {
    const lastEvent = events.at(-1)?.[0] ?? 0
    const duration = Math.max(micros(seconds), micros(lastEvent))
    const step: RecordedStep = {
      index: started.step,
      command: started.command,
      prompt: started.prompt,
      commandHash: commandHash(started.prompt, started.command),
      outcome: ended.outcome,
      ...(ended.exitCode !== null ? { exitCode: ended.exitCode } : {}),
      start: start / 1e6,
      duration: duration / 1e6,
      events: events.map(([time, , data]): AsciicastOutputEvent => [time, 'o', data]),
    }
    start += duration
    return step
  })
  const first = runs[0].started.header
  const { title, recordedAt, env } = context
  return {
    header: {
      version: 2,
      width: first.width,
      height: first.height,
      timestamp: Math.floor(recordedAt.getTime() / 1000),
      title: title ? `${context.demoId} — ${title}` : context.demoId,
      ...(env !== undefined ? { env } : {}),
      // Spelled out (not spread) so that the file's key order is the documented one.
      [HEADER_KEY]: {
        deck: context.deck,
        demoId: context.demoId,
        recordedAt: recordedAt.toISOString(),
        engine: context.engine,
        ...(context.dockerCli !== undefined ? { dockerCli: context.dockerCli } : {}),
        images: context.images,
        standins: context.standins,
        steps: [],
      },
    },
    steps,
  }
}
