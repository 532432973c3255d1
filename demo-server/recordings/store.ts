/**
 * Where recordings live on disk, and reading and writing them. The thin I/O edge around the
 * pure cast-file.ts: one `.cast` per demo at `<deck dir>/recordings/<deck name>/<demo id>.cast`.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises'
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

export interface WriteOptions {
  /** Bytes per write call. */
  chunkBytes?: number
  /** Called after each chunk reached the temp file: lets a test stop the writer at an exact
   *  byte, which a real crash cannot be timed to hit. */
  afterChunk?: (written: number, tempFile: string) => Promise<void> | void
}

/** Writes `text` so that a reader (or a crash at any moment) sees the old file or the new one,
 *  never a part: a temp file in the same directory (rename is atomic only within one file
 *  system), fsync, rename over the target, fsync the directory so the rename itself is durable.
 *  A crash leaves at most a `.<name>.<pid>.<random>.tmp` beside it, never read as a recording. */
export async function writeRecordingAtomic(file: string, text: string, options: WriteOptions = {}): Promise<void> {
  const dir = path.dirname(file)
  await mkdir(dir, { recursive: true })
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const bytes = Buffer.from(text, 'utf8')
  const chunk = options.chunkBytes ?? 1024 * 1024
  const handle = await open(temp, 'wx', 0o644)
  try {
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      const end = Math.min(offset + chunk, bytes.length)
      await handle.write(bytes, offset, end - offset)
      await options.afterChunk?.(end, temp)
    }
    await handle.sync()
  }
  catch (error) {
    await handle.close().catch(() => {})
    await rm(temp, { force: true })
    throw error
  }
  await handle.close()
  try {
    await rename(temp, file)
  }
  catch (error) {
    await rm(temp, { force: true })
    throw error
  }
  await syncDirectory(dir)
}

async function syncDirectory(dir: string): Promise<void> {
  // Not every platform lets a directory be opened for fsync (Windows); the rename stands anyway.
  const handle = await open(dir, 'r').catch(() => undefined)
  if (!handle)
    return
  try {
    await handle.sync()
  }
  catch {
    // EINVAL / EISDIR on some file systems: nothing more we can do.
  }
  finally {
    await handle.close()
  }
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
