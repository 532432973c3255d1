/**
 * A program's help pages, read as decks need them and kept in the user's cache directory:
 * `$XDG_CACHE_HOME/docker-demo/<program>-flags-<version>-<hash>.json`. A new version starts a
 * new file; the hash is of `docker --help`, which lists the plugins, so installing the compose
 * plugin starts one too. Reading every page of a CLI takes ~15 s of CPU (one process per
 * command), so only the commands a deck uses are read, once.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { writeFileAtomically } from '../../atomic-file.ts'
import type { CliSpec, HelpPages } from './cli-spec.ts'
import { buildCliSpec, CLI_SPEC_FORMAT, pageKey } from './cli-spec.ts'
import type { DockerProgram } from '../programs.ts'
import type { RunCli } from './discover.ts'
import { cliVersion, readPages, runCli } from './discover.ts'
import { readDockerArgv } from './read-argv.ts'

export function cacheDirOf(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME?.trim() || path.join(os.homedir(), '.cache')
  return path.join(base, 'docker-demo')
}

export interface LoadCliSpecOptions {
  cacheDir?: string
  run?: RunCli
}

interface CacheFile {
  format: number
  version: string
  pages: HelpPages
}

/** Subcommand levels a line can walk (`docker compose` plugin subcommands are the deepest). */
const MAX_ROUNDS = 6

/**
 * The spec of `program` at `cli` (see which-cli.ts), complete for the given command lines
 * (their words, without the program's name): the pages they need are read from the cache, or
 * else asked from the program and cached.
 */
export async function loadCliSpec(program: DockerProgram, cli: string, lines: readonly string[][], options: LoadCliSpecOptions = {}): Promise<CliSpec> {
  const run = options.run ?? runCli
  const [version, rootPage] = await Promise.all([cliVersion(cli, run), run(cli, ['--help'])])
  const hash = createHash('sha256').update(rootPage).digest('hex').slice(0, 10)
  const file = path.join(options.cacheDir ?? cacheDirOf(), `${program}-flags-${version.replace(/[^\w.+-]/g, '_')}-${hash}.json`)
  const pages: HelpPages = { ...(await readCached(file, version)), '': rootPage }
  let added = false
  let spec = buildCliSpec(pages, cli, version, program)
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const wanted = new Map<string, string[]>()
    for (const line of lines) {
      for (const page of readDockerArgv(spec, line).unreadPages)
        wanted.set(pageKey(page), page)
    }
    if (wanted.size === 0)
      break
    await readPages(cli, [...wanted.values()], pages, run)
    added = true
    spec = buildCliSpec(pages, cli, version, program)
  }
  if (added) {
    const cache: CacheFile = { format: CLI_SPEC_FORMAT, version, pages }
    await writeFileAtomically(file, `${JSON.stringify(cache)}\n`)
  }
  return spec
}

async function readCached(file: string, version: string): Promise<HelpPages> {
  try {
    const cache = JSON.parse(await readFile(file, 'utf8')) as CacheFile
    return cache.format === CLI_SPEC_FORMAT && cache.version === version ? cache.pages : {}
  }
  catch {
    return {} // missing or torn: read the pages again
  }
}
