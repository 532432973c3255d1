/**
 * Parses tokenized docker arguments (without the leading `docker`) against the one command
 * table. Pure: the deck check and the server call it with the same input and get the same answer.
 */
import type { CommandSpec, FlagSpec } from './commands.ts'
import { COMMANDS } from './commands.ts'

export class CommandLineError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CommandLineError'
  }
}

export interface ParsedCommand {
  spec: CommandSpec
  /** `spec.path` joined, e.g. "volume create". */
  name: string
  /** Canonical flag name (e.g. "--detach") -> its values in order; boolean flags hold "true". */
  flags: Map<string, string[]>
  /** Non-flag arguments. For `run` and `exec` the first is the image / container and the rest
   *  is the command run inside, flags included. */
  operands: string[]
}

export function findCommand(argv: string[]): { spec: CommandSpec, consumed: number } | undefined {
  // Longest match first: "container ls" before "container".
  let best: { spec: CommandSpec, consumed: number } | undefined
  for (const spec of COMMANDS) {
    for (const path of [spec.path, ...(spec.aliases ?? [])]) {
      if (path.every((word, index) => argv[index] === word) && (!best || path.length > best.consumed))
        best = { spec, consumed: path.length }
    }
  }
  return best
}

function findFlag(spec: CommandSpec, name: string): FlagSpec | undefined {
  return spec.flags.find(f => f.names.includes(name))
}

export function parseDockerArgv(argv: string[]): ParsedCommand {
  if (argv.length === 0)
    throw new CommandLineError('docker needs a subcommand')
  const found = findCommand(argv)
  if (!found) {
    const groups = ['container', 'image', 'network', 'volume', 'system']
    const words = argv.slice(0, groups.includes(argv[0]) ? 2 : 1).join(' ')
    throw new CommandLineError(`unknown docker subcommand "${words}" (supported: see docs/demo-format.md)`)
  }
  const { spec, consumed } = found
  const name = spec.path.join(' ')
  const flags = new Map<string, string[]>()
  const operands: string[] = []
  const add = (f: FlagSpec, value: string) => {
    const key = f.names[0]
    flags.set(key, [...(flags.get(key) ?? []), value])
  }

  /**
   * Adds the value of the flag at argv[at]: attached (`--name=x`, `-p8000:80`) or else the next
   * argument. Returns how many arguments beyond the flag's own it took (0 or 1).
   */
  const addValue = (f: FlagSpec, written: string, attached: string | undefined, at: number): number => {
    if (attached !== undefined) {
      add(f, attached)
      return 0
    }
    if (at + 1 >= argv.length)
      throw new CommandLineError(`flag "${written}" of "docker ${name}" needs a value`)
    add(f, argv[at + 1])
    return 1
  }

  let i = consumed
  while (i < argv.length) {
    const arg = argv[i]
    if (operands.length > 0 && spec.stopAtFirstOperand) {
      operands.push(...argv.slice(i))
      break
    }
    if (arg === '--') {
      operands.push(...argv.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const flagName = eq === -1 ? arg : arg.slice(0, eq)
      const f = findFlag(spec, flagName)
      if (!f)
        throw new CommandLineError(`unknown flag "${flagName}" for "docker ${name}"`)
      if (f.takesValue) {
        i += addValue(f, flagName, eq === -1 ? undefined : arg.slice(eq + 1), i)
      }
      else {
        if (eq !== -1)
          throw new CommandLineError(`flag "${flagName}" of "docker ${name}" takes no value`)
        add(f, 'true')
      }
      i += 1
      continue
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short flags: -dit, or -p8000:8000 where the last one takes the rest.
      for (let j = 1; j < arg.length; j++) {
        const short = `-${arg[j]}`
        const f = findFlag(spec, short)
        if (!f)
          throw new CommandLineError(`unknown flag "${short}" for "docker ${name}"`)
        if (f.takesValue) {
          i += addValue(f, short, arg.slice(j + 1) || undefined, i)
          break
        }
        add(f, 'true')
      }
      i += 1
      continue
    }
    operands.push(arg)
    i += 1
  }

  if (operands.length < spec.minOperands)
    throw new CommandLineError(`"docker ${name}" needs ${spec.minOperands === 1 ? 'an argument' : `${spec.minOperands} arguments`}`)
  if (spec.maxOperands !== undefined && operands.length > spec.maxOperands)
    throw new CommandLineError(`"docker ${name}" takes at most ${spec.maxOperands} argument${spec.maxOperands === 1 ? '' : 's'}, got ${operands.length}`)
  return { spec, name, flags, operands }
}

export function hasFlag(command: ParsedCommand, canonical: string): boolean {
  return command.flags.has(canonical)
}

export function flagValues(command: ParsedCommand, canonical: string): string[] {
  return command.flags.get(canonical) ?? []
}

export function lastFlagValue(command: ParsedCommand, canonical: string): string | undefined {
  const values = command.flags.get(canonical)
  return values?.[values.length - 1]
}
