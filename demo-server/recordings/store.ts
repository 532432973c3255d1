/**
 * Where recordings live on disk, and reading and writing them. The thin I/O edge around the
 * pure cast-file.ts: one `.cast` per demo at `<deck dir>/recordings/<deck name>/<demo id>.cast`.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Recording } from './cast-file.ts'
import { parseRecording, RecordingError } from './cast-file.ts'

export const RECORDING_EXTENSION = '.cast'

/** `slides.md`, `volume-share` -> `recordings/slides/volume-share.cast` (next to the deck). */
export function recordingPath(deckFile: string, demoId: string): string {
  return path.join(recordingsDir(deckFile), `${demoId}${RECORDING_EXTENSION}`)
}

/** The directory holding one deck's recordings. */
export function recordingsDir(deckFile: string): string {
  return path.join(path.dirname(deckFile), 'recordings', path.basename(deckFile, '.md'))
}

export type RecordingRead =
  | { ok: true, demoId: string, file: string, recording: Recording }
  | { ok: false, demoId: string, file: string, error: RecordingError }

/** Reads and parses one recording; `file` is also the name errors carry. Never throws for a
 *  file that is corrupt or unreadable: that is an `ok: false` whose error names the file. A
 *  missing file is `undefined`. */
export async function readRecording(file: string, demoId = path.basename(file, RECORDING_EXTENSION)): Promise<RecordingRead | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  }
  catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return undefined
    return { ok: false, demoId, file, error: new RecordingError('UNREADABLE', file, undefined, `cannot read the recording: ${(error as Error).message}`) }
  }
  try {
    return { ok: true, demoId, file, recording: parseRecording(text, file) }
  }
  catch (error) {
    if (error instanceof RecordingError)
      return { ok: false, demoId, file, error }
    throw error
  }
}

/** Every recording of the deck, by demo id (the file name). A deck without recordings gives an
 *  empty map; corrupt files are entries with `ok: false`, never exceptions. */
export async function readRecordings(deckFile: string): Promise<Map<string, RecordingRead>> {
  const dir = recordingsDir(deckFile)
  let names: string[]
  try {
    names = await readdir(dir)
  }
  catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return new Map()
    throw new Error(`cannot list the recordings in ${dir}: ${(error as Error).message}`)
  }
  const result = new Map<string, RecordingRead>()
  for (const name of names.filter(n => n.endsWith(RECORDING_EXTENSION) && !n.startsWith('.')).sort()) {
    const demoId = name.slice(0, -RECORDING_EXTENSION.length)
    const read = await readRecording(path.join(dir, name), demoId)
    if (read)
      result.set(demoId, read)
  }
  return result
}
