/**
 * Writes a demo's files (```dockerfile [app/Dockerfile], see deck/files.ts) into its working
 * directory, the `$(pwd)` of its steps, so that `docker build -t x app` finds them as at home.
 * The run manager calls it as a sequence reaches the demo: from step 1 every file is written
 * again (a rehearsal may have changed one); from a later step only missing files are.
 */
import { access, mkdir, realpath } from 'node:fs/promises'
import path from 'node:path'
import { writeFileAtomically } from '../atomic-file.ts'
import type { Demo } from '../deck/model.ts'
import { DemoError } from '../protocol.ts'

export interface WriteDemoFilesOptions {
  /** Write only the files that do not exist (a sequence that starts past step 1). */
  onlyMissing?: boolean
}

/** Returns the paths written. Throws DemoError naming the file and its deck line. */
export async function writeDemoFiles(demo: Demo, workdir: string, options: WriteDemoFilesOptions = {}): Promise<string[]> {
  const written: string[] = []
  if (demo.files.length === 0)
    return written
  await mkdir(workdir, { recursive: true })
  const root = await realpath(workdir)
  for (const file of demo.files) {
    const target = path.join(root, file.path)
    try {
      if (options.onlyMissing && await exists(target))
        continue
      await mkdir(path.dirname(target), { recursive: true })
      // A step may have made a directory of the path a symlink (host$ ln -s ...): never write
      // through it to elsewhere on the machine.
      const parent = await realpath(path.dirname(target))
      if (parent !== root && !parent.startsWith(`${root}${path.sep}`))
        throw new Error(`its directory leads out of the working directory (to ${parent})`)
      // A step running at the same time (another demo's `docker build`) sees the old file or
      // the new one, never half of it.
      await writeFileAtomically(path.join(parent, path.basename(target)), file.content)
      written.push(file.path)
    }
    catch (error) {
      throw new DemoError('STEP_FAILED', `Cannot write file "${file.path}" of demo "${demo.id}" (${demo.loc.file}:${file.line}) into ${root}: ${(error as Error).message}`)
    }
  }
  return written
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file)
    return true
  }
  catch {
    return false
  }
}
