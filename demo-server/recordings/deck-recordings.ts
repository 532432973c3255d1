/**
 * The recordings of one deck, read from `<deck dir>/recordings/<deck basename>/<demoId>.cast`,
 * checked against the deck's steps and rendered for print: the data behind the virtual module
 * (server/recordings-plugin.ts) and the summary the build and export logs print.
 */
import type { DemoRecording, RecordingsData } from '../../components/recordings.ts'
import path from 'node:path'
import { loadDeck } from '../deck/load.ts'
import { summarizeDemo } from '../server/summary.ts'
import { rehearseCommand, staleSteps } from './cast-file.ts'
import { renderHandout } from './handout.ts'
import { readRecording, recordingPath } from './store.ts'

export async function loadDeckRecordings(deckFile: string, serverBuilt: boolean): Promise<RecordingsData> {
  const deck = await loadDeck(deckFile)
  const data: RecordingsData = { serverBuilt, recordings: {}, missing: [], problems: [] }
  for (const demo of deck.demos) {
    const file = recordingPath(deckFile, demo.id)
    const shown = path.relative(path.dirname(deckFile), file)
    const read = await readRecording(file, demo.id)
    if (read === undefined || !read.ok) {
      data.missing.push(demo.id)
      if (read !== undefined)
        data.problems.push(read.error.message.replace(read.file, shown))
      continue
    }
    const { recording } = read
    // As `npm run check` and the slide see the steps (recordings/freshness.ts): the line as
    // typed.
    const recorded: DemoRecording = {
      demoId: demo.id,
      file: shown,
      recordedAt: recording.header.docker_demo?.recordedAt,
      width: recording.header.width,
      height: recording.header.height,
      steps: recording.steps,
      stale: staleSteps(recording, summarizeDemo(demo).steps),
      handout: await renderHandout(recording.steps, recording.header.width),
    }
    data.recordings[demo.id] = recorded
  }
  return data
}

/** Log lines a presenter can act on: which demos have no (or a stale) recording, and the
 *  command that records them. Empty when every demo's recording is there and current. */
export function recordingsReport(data: RecordingsData): string[] {
  const lines: string[] = [...data.problems]
  const stale = Object.values(data.recordings).filter(r => r.stale.length > 0).map(r => r.demoId)
  if (data.missing.length > 0)
    lines.push(`no recording for ${data.missing.join(', ')}: ${rehearseCommand(data.missing)}`)
  if (stale.length > 0)
    lines.push(`stale recording for ${stale.join(', ')} (the deck changed since): ${rehearseCommand(stale)}`)
  return lines
}
