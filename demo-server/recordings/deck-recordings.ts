/**
 * The recordings of one deck, read from `<deck dir>/recordings/<deck basename>/<demoId>.cast`,
 * checked against the deck's steps and rendered for print: the data behind the virtual module
 * (server/recordings-plugin.ts) and the summary the build and export logs print.
 */
import type { Deck } from '../deck/model.ts'
import type { DemoRecording, RecordingsData } from '../../components/recordings.ts'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseDeck } from '../deck/parse.ts'
import { parseRecording, rehearseCommand, staleSteps } from './cast-file.ts'
import { renderHandout } from './handout.ts'

export function recordingsDir(deckFile: string): string {
  return path.join(path.dirname(deckFile), 'recordings', path.basename(deckFile, path.extname(deckFile)))
}

export function recordingFile(deckFile: string, demoId: string): string {
  return path.join(recordingsDir(deckFile), `${demoId}.cast`)
}

async function readDeck(deckFile: string): Promise<Deck> {
  return parseDeck(await readFile(deckFile, 'utf8'), path.basename(deckFile))
}

export async function loadDeckRecordings(deckFile: string, serverBuilt: boolean): Promise<RecordingsData> {
  const deck = await readDeck(deckFile)
  const data: RecordingsData = { serverBuilt, recordings: {}, missing: [], problems: [] }
  for (const demo of deck.demos) {
    const file = recordingFile(deckFile, demo.id)
    const shown = path.relative(path.dirname(deckFile), file)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    }
    catch {
      data.missing.push(demo.id)
      continue
    }
    try {
      const recording = parseRecording(text, shown)
      const recorded: DemoRecording = {
        demoId: demo.id,
        file: shown,
        recordedAt: recording.header.docker_demo?.recordedAt,
        width: recording.header.width,
        height: recording.header.height,
        steps: recording.steps,
        stale: staleSteps(recording, demo.steps),
        handout: await renderHandout(recording.steps, recording.header.width),
      }
      data.recordings[demo.id] = recorded
    }
    catch (error) {
      data.missing.push(demo.id)
      data.problems.push(error instanceof Error ? error.message : String(error))
    }
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
