/**
 * Reads the words of a command line (without the leading `docker` or `docker-compose`) the way the program in a
 * CliSpec would: global options, subcommands (aliases too), the command's flags (pflag's
 * `--name value`, `--name=value`, `-abc`, `-p8080:80`), and operands. It never throws: every
 * problem on the line is collected, so the deck check can report them all at once. Pure.
 */
import type { HelpOption } from './help-page.ts'
import type { CliSpec, CommandSpec } from './cli-spec.ts'
import { subcommand } from './cli-spec.ts'

export interface ReadCommand {
  /** The command found (listed words, aliases resolved), or undefined when there is none. */
  command?: CommandSpec
  /** Flag (its long name, else its shorthand) -> values in order; booleans hold "true" or the
   *  value written (`--rm=false`). */
  flags: Map<string, string[]>
  operands: string[]
  problems: string[]
  /** Help pages to read before this line can be checked (cache.ts reads them and asks again):
   *  a command on the way that is unread, or, for a word a management command does not list,
   *  its unread commands, since only their own pages name their aliases. */
  unreadPages: string[][]
}

export interface ReadOptions {
  /** For reading a line whose CLI is not at hand (spec from fallback-spec.ts): an unknown
   *  flag takes the next argument as its value, the common case, and nothing is reported. */
  lenient?: boolean
  /** More operands come at run time (`xargs docker rm`): too few is not a problem. */
  operandsFollow?: boolean
}

/** Every command accepts it, though not every help page lists it. */
const HELP: HelpOption = { long: '--help', takesValue: false }

export function readDockerArgv(spec: CliSpec, argv: readonly string[], options: ReadOptions = {}): ReadCommand {
  const result: ReadCommand = { flags: new Map(), operands: [], problems: [], unreadPages: [] }
  const name = (command: CommandSpec) => commandName(spec, command)
  let i = readFlags(spec.root, name, argv, 0, result, options, { stopAtOperand: true })

  let node = spec.root
  while (Object.keys(node.subcommands).length > 0 || node.unread) {
    if (node.unread) {
      result.unreadPages.push(node.path)
      result.problems.push(`"${name(node)} --help" could not be read`)
      return result
    }
    const word = argv[i]
    if (word === undefined || word.startsWith('-')) {
      const some = Object.keys(node.subcommands).slice(0, 6).join(', ')
      result.problems.push(`"${name(node)}" needs a subcommand (${some}, ...; see ${name(node)} --help)`)
      return result
    }
    const next = subcommand(node, word)
    // Aliases live in the pages of a management command's subcommands (`container list`);
    // `docker --help` lists every top-level command itself, so a word it lacks is unknown.
    const unreadSiblings = node === spec.root ? [] : Object.values(node.subcommands).filter(child => child.unread)
    if (!next && unreadSiblings.length > 0) {
      result.unreadPages.push(...unreadSiblings.map(child => child.path))
      result.problems.push(`"${name(node)} ${word}" is not listed; its aliases are not read yet`)
      return result
    }
    if (!next) {
      result.problems.push(node === spec.root && word === 'compose' && spec.program === 'docker'
        ? composePluginMissing()
        : `unknown ${spec.program} subcommand "${[...node.path, word].join(' ')}" (see ${name(node)} --help)`)
      return result
    }
    node = next
    i += 1
  }
  result.command = node
  result.flags.clear() // global options are not the command's
  readFlags(node, name, argv, i, result, options, { stopAtOperand: false })
  if (!options.lenient)
    result.problems.push(...arityProblems(node, name(node), result.operands.length, options.operandsFollow === true))
  return result
}

export function commandName(spec: CliSpec, command: CommandSpec): string {
  return [spec.program, ...command.path].join(' ')
}

/** The CLI's version and path are not in the message: the check names them once, above. */
export function composePluginMissing(): string {
  return `"docker compose" needs the compose plugin, which this docker CLI lacks: install it (Docker Desktop has it; on Linux the docker-compose-plugin package from Docker's apt repository), or run compose v1 as "docker-compose" (Debian: apt-get install docker-compose)`
}

/** Reads flags and operands from argv[at]; returns where it stopped. */
function readFlags(command: CommandSpec, nameOf: (command: CommandSpec) => string, argv: readonly string[], at: number, result: ReadCommand, options: ReadOptions, mode: { stopAtOperand: boolean }): number {
  const name = nameOf(command)
  const commandAfter = command.operands.commandAfter
  const find = (written: string) => written === '--help' ? HELP : command.options.find(o => o.long === written || o.short === written)
  const add = (option: HelpOption, value: string) => {
    const key = option.long ?? option.short!
    result.flags.set(key, [...(result.flags.get(key) ?? []), value])
  }
  const report = (message: string) => {
    if (!options.lenient)
      result.problems.push(message)
  }
  const needsValue = (written: string) => report(`flag "${written}" of "${name}" needs a value`)

  let i = at
  while (i < argv.length) {
    const arg = argv[i]
    if (commandAfter !== undefined && result.operands.length >= commandAfter && !mode.stopAtOperand) {
      result.operands.push(...argv.slice(i))
      return argv.length
    }
    if (arg === '--') {
      if (!mode.stopAtOperand)
        result.operands.push(...argv.slice(i + 1))
      return mode.stopAtOperand ? i : argv.length
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const written = eq === -1 ? arg : arg.slice(0, eq)
      const attached = eq === -1 ? undefined : arg.slice(eq + 1)
      const option = find(written)
      i += 1
      if (!option) {
        report(`unknown flag "${written}" for "${name}"`)
        // An unknown flag's value cannot be told from an operand; lenient reading guesses it
        // has one (most docker flags do), strict reading only reports.
        if (options.lenient && attached === undefined && i < argv.length && !argv[i].startsWith('-'))
          i += 1
        continue
      }
      if (option.takesValue) {
        if (attached !== undefined)
          add(option, attached)
        else if (i < argv.length)
          add(option, argv[i++])
        else
          needsValue(written)
      }
      else if (attached !== undefined && !/^(?:true|false)$/i.test(attached)) {
        report(`flag "${written}" of "${name}" takes no value (or only =true, =false), got "${attached}"`)
      }
      else {
        add(option, attached ?? 'true')
      }
      continue
    }
    if (arg.startsWith('-') && arg.length > 1) {
      i += 1
      // A cluster of shorthands: -dit, or -p8080:80 where the first that takes a value takes
      // the rest of the word (pflag also allows -e=X).
      for (let j = 1; j < arg.length; j++) {
        const written = `-${arg[j]}`
        const option = find(written)
        if (!option) {
          report(`unknown flag "${written}" for "${name}"${arg.length > 2 ? ` (in "${arg}")` : ''}`)
          if (options.lenient && j === arg.length - 1 && i < argv.length && !argv[i].startsWith('-'))
            i += 1
          break
        }
        if (!option.takesValue) {
          add(option, 'true')
          continue
        }
        const rest = arg.slice(j + 1).replace(/^=/, '')
        if (rest)
          add(option, rest)
        else if (i < argv.length)
          add(option, argv[i++])
        else
          needsValue(written)
        break
      }
      continue
    }
    if (mode.stopAtOperand)
      return i
    result.operands.push(arg)
    i += 1
  }
  return i
}

function arityProblems(command: CommandSpec, name: string, count: number, operandsFollow: boolean): string[] {
  const { min, max } = command.operands
  if (count < min && !operandsFollow)
    return [`"${name}" needs ${min === 1 ? 'an argument' : `at least ${min} arguments`}${count > 0 ? `, got ${count}` : ''} (usage: see ${name} --help)`]
  if (max !== null && count > max)
    return [max === 0 ? `"${name}" takes no arguments, got ${count}` : `"${name}" takes at most ${max} argument${max === 1 ? '' : 's'}, got ${count}`]
  return []
}
