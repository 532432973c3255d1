/**
 * What one docker CLI accepts: its command tree with each command's options and operand rule,
 * built from the help pages that CLI printed (discover.ts collects them). Pure, and plain JSON,
 * so that it can be cached per CLI version.
 */
import type { DockerProgram } from '../programs.ts'
import type { HelpOption } from './help-page.ts'
import { parseHelpPage } from './help-page.ts'
import type { OperandRule } from './usage.ts'
import { operandRule } from './usage.ts'

/** Bumped when the shape below changes: a cache in an older shape is rebuilt. */
export const CLI_SPEC_FORMAT = 2

export interface CommandSpec {
  /** The listed words after `docker`, e.g. ['container', 'ls']; [] for the root. */
  path: string[]
  options: HelpOption[]
  operands: OperandRule
  /** Listed name -> subcommand. Empty for a command that runs. */
  subcommands: Record<string, CommandSpec>
  /** Alias -> listed name, e.g. { list: 'ls', ps: 'ls' } under `container`. */
  aliases: Record<string, string>
  /** A CLI plugin (`compose*` in `docker --help`), not built in. */
  plugin?: true
  /** Listed by its parent, but its own page has not been read yet (pages are read as a deck
   *  needs them: see ReadCommand.unreadPages). */
  unread?: true
}

export interface CliSpec {
  format: number
  /** Which program it is: its commands are named `docker ...` or `docker-compose ...`. */
  program: DockerProgram
  /** The program's path, as resolved by which-cli.ts. */
  cli: string
  /** `28.2.2`, from `docker --version` (`1.29.2` from `docker-compose --version`). */
  version: string
  root: CommandSpec
}

/** `docker ... --help` output by command: '' for `docker --help`, 'container ls' for
 *  `docker container ls --help`. */
export type HelpPages = Record<string, string>

export function pageKey(path: readonly string[]): string {
  return path.join(' ')
}

/** The specs of the programs a deck's steps run, those that were asked. */
export type CliSpecs = Partial<Record<DockerProgram, CliSpec>>

export function buildCliSpec(pages: HelpPages, cli: string, version: string, program: DockerProgram = 'docker'): CliSpec {
  const build = (path: string[], plugin: boolean): CommandSpec => {
    const text = pages[pageKey(path)]
    const page = parseHelpPage(text ?? '', path)
    const spec: CommandSpec = {
      path,
      options: page.options,
      operands: operandRule(page.usage, path),
      subcommands: {},
      aliases: {},
      ...(plugin ? { plugin: true as const } : {}),
      ...(text === undefined ? { unread: true as const } : {}),
    }
    for (const command of page.commands)
      spec.subcommands[command.name] = build([...path, command.name], command.plugin)
    for (const command of page.commands) {
      const childText = pages[pageKey([...path, command.name])]
      if (childText === undefined)
        continue
      for (const alias of parseHelpPage(childText, [...path, command.name]).aliases) {
        if (!spec.subcommands[alias] && !spec.aliases[alias])
          spec.aliases[alias] = command.name
      }
    }
    return spec
  }
  return { format: CLI_SPEC_FORMAT, program, cli, version, root: build([], false) }
}

/** The subcommand a word names under `parent`, aliases resolved. */
export function subcommand(parent: CommandSpec, word: string): CommandSpec | undefined {
  if (Object.hasOwn(parent.subcommands, word))
    return parent.subcommands[word]
  const listed = Object.hasOwn(parent.aliases, word) ? parent.aliases[word] : undefined
  return listed === undefined ? undefined : parent.subcommands[listed]
}

/** The subcommands listed in a help page, in order: what discovery asks about next. */
export function listedCommands(pages: HelpPages, path: readonly string[]): string[] {
  return parseHelpPage(pages[pageKey(path)] ?? '', path).commands.map(c => c.name)
}
