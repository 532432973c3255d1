/**
 * The paths of a demo's files (```dockerfile [app/Dockerfile]): relative to the demo's working
 * directory and kept inside it, so that a deck cannot write elsewhere on the presenter's
 * machine. Pure; demo-server/server/demo-files.ts writes them.
 */
import path from 'node:path'

/** Why `written` cannot be a demo file's path, or undefined when it can. */
export function demoFilePathProblem(written: string): string | undefined {
  const trimmed = written.trim()
  if (trimmed === '')
    return 'the title is empty: name the file, e.g. [Dockerfile] or [app/Dockerfile]'
  if (trimmed.startsWith('/') || /^[A-Za-z]:[\\/]/.test(trimmed) || trimmed.startsWith('~'))
    return 'write a path relative to the demo\'s working directory ($(pwd) of its steps), not an absolute one'
  if (trimmed.includes('\\'))
    return 'separate directories with "/"'
  if (trimmed.split('/').includes('..'))
    return '".." would leave the demo\'s working directory'
  if (/[\0\n]/.test(trimmed))
    return 'the path holds a control character'
  const normalized = normalizeDemoFilePath(trimmed)
  if (normalized === '.' || normalized.endsWith('/'))
    return 'name a file, not a directory'
  return undefined
}

/** `./app//Dockerfile` -> `app/Dockerfile`. Only for paths demoFilePathProblem accepts. */
export function normalizeDemoFilePath(written: string): string {
  return path.posix.normalize(written.trim())
}
