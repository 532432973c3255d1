/**
 * Asks a docker CLI for its help pages: `docker --help`, then `docker <command> --help` for
 * every command it lists, down through management commands and plugins. The I/O edge of
 * cli-spec.ts; nothing here talks to an engine (`--help` and `--version` need none).
 */
import { execFile } from 'node:child_process'
import type { HelpPages } from './cli-spec.ts'
import { listedCommands, pageKey } from './cli-spec.ts'

export type RunCli = (cli: string, args: string[]) => Promise<string>

const HELP_TIMEOUT_MS = 15_000
/** The CLI is a short-lived Go process per page (~90 ms of CPU each here): a few at once. */
const CONCURRENCY = 8

/** Where the CLI finds no engine: with one, the CLI hides the flags that engine's API is too
 *  old for, and the pages (cached per CLI version) would depend on which engine answered first.
 *  The check holds a line to the CLI; the engine's own limits show when the line runs. */
const NO_ENGINE = 'unix:///nonexistent/docker-demo-reads-help-pages.sock'

export const runCli: RunCli = (cli, args) => new Promise((resolve, reject) => {
  const env = { ...process.env, NO_COLOR: '1', DOCKER_HOST: NO_ENGINE, DOCKER_CONTEXT: '' }
  execFile(cli, args, { timeout: HELP_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, env }, (error, stdout) => {
    if (error && !stdout)
      reject(new Error(`"${cli} ${args.join(' ')}" failed: ${error.message.trim()}`))
    else
      resolve(stdout)
  })
})

/** `28.2.2` from `Docker version 28.2.2, build e6534b4`. */
export function parseVersionLine(text: string): string | undefined {
  return /version\s+([^\s,]+)/i.exec(text)?.[1]
}

export async function cliVersion(cli: string, run: RunCli = runCli): Promise<string> {
  const out = await run(cli, ['--version'])
  const version = parseVersionLine(out)
  if (!version)
    throw new Error(`"${cli} --version" printed no version ("${out.trim().slice(0, 80)}"): is it a docker CLI?`)
  return version
}

/** The help pages of these commands, as `readPages` adds them to `pages` (a plugin that is
 *  listed but broken prints the root page again: it gets an empty page, not the root's). */
export async function readPages(cli: string, paths: readonly string[][], pages: HelpPages, run: RunCli = runCli): Promise<void> {
  for (let start = 0; start < paths.length; start += CONCURRENCY) {
    const batch = paths.slice(start, start + CONCURRENCY)
    const texts = await Promise.all(batch.map(path => run(cli, [...path, '--help']).catch(() => '')))
    batch.forEach((path, index) => {
      pages[pageKey(path)] = texts[index] === pages[''] ? '' : texts[index]
    })
  }
}

/** Every help page of the CLI, by command (see HelpPages): for the fixtures of the tests. */
export async function readHelpPages(cli: string, run: RunCli = runCli, rootPage?: string): Promise<HelpPages> {
  const pages: HelpPages = { '': rootPage ?? await run(cli, ['--help']) }
  let frontier: string[][] = listedCommands(pages, []).map(name => [name])
  while (frontier.length > 0) {
    await readPages(cli, frontier, pages, run)
    frontier = frontier.flatMap(path => listedCommands(pages, path).map(name => [...path, name]))
  }
  return pages
}
