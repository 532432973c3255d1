/** Writing a file so that no reader ever sees half of it. */
import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import path from 'node:path'

export interface WriteOptions {
  /** Bytes per write call. */
  chunkBytes?: number
  /** Called after each chunk reached the temp file: lets a test stop the writer at an exact
   *  byte, which a real crash cannot be timed to hit. */
  afterChunk?: (written: number, tempFile: string) => Promise<void> | void
}

/** Writes `text` so that a reader (or a crash at any moment) sees the old file or the new one,
 *  never a part (recordings, the CLI's cached help pages, a demo's files): a temp file in the
 *  same directory (rename is atomic only within one file system), fsync, rename over the
 *  target, fsync the directory so the rename itself is durable.
 *  A crash leaves at most a `.<name>.<pid>.<random>.tmp` beside it, never read in its place. */
export async function writeFileAtomically(file: string, text: string, options: WriteOptions = {}): Promise<void> {
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
