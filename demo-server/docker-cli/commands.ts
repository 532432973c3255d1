/**
 * The docker subcommands and flags the engine's own command handlers run (engine/commands/),
 * read through parse-argv.ts. The deck check no longer reads it: it asks the real docker CLI
 * (docker-cli/cli-flags/), as the run path moves to running that CLI (issue 8).
 */

export interface FlagSpec {
  /** Canonical name first, e.g. ['--network', '--net']. Short forms are single-dash. */
  names: string[]
  takesValue: boolean
}

/** What the operands (non-flag arguments) of a command name, for the reference check. */
export type OperandKind =
  | 'image' // run, pull, history: first operand, then the command inside (run only)
  | 'containers' // every operand is a container
  | 'container' // first operand is a container, the rest is a command (exec)
  | 'networks'
  | 'network+container' // network connect/disconnect NET CONTAINER
  | 'new-network'
  | 'volumes'
  | 'new-volumes'
  | 'objects' // inspect: any kind
  | 'none'

export interface CommandSpec {
  /** Canonical words after `docker`, e.g. ['volume', 'create']. */
  path: string[]
  /** Other spellings of the same command, e.g. [['container', 'ls']]. */
  aliases?: string[][]
  flags: FlagSpec[]
  operands: OperandKind
  minOperands: number
  maxOperands?: number
  /** Flags stop at the first operand: the rest belongs to the command run inside. */
  stopAtFirstOperand?: boolean
}

const flag = (takesValue: boolean, ...names: string[]): FlagSpec => ({ names, takesValue })

/** Go template subset: `{{.Field.Path}}`, `{{json .Field}}`, and `{{range ...}}` is not. */
const formatFlag = flag(true, '--format', '-f')

const runFlags: FlagSpec[] = [
  flag(false, '--detach', '-d'),
  flag(false, '--interactive', '-i'),
  flag(false, '--tty', '-t'),
  flag(false, '--rm'),
  flag(true, '--name'),
  flag(true, '--network', '--net'),
  flag(true, '--mount'),
  flag(true, '--volume', '-v'),
  flag(true, '--volumes-from'),
  flag(true, '--publish', '-p'),
  flag(true, '--env', '-e'),
  flag(true, '--cap-add'),
  flag(true, '--security-opt'),
  flag(true, '--log-driver'),
  flag(true, '--log-opt'),
  flag(true, '--entrypoint'),
  flag(true, '--workdir', '-w'),
  flag(true, '--hostname', '-h'),
]

export const COMMANDS: CommandSpec[] = [
  { path: ['run'], aliases: [['container', 'run']], flags: runFlags, operands: 'image', minOperands: 1, stopAtFirstOperand: true },
  {
    path: ['exec'],
    aliases: [['container', 'exec']],
    flags: [flag(false, '--interactive', '-i'), flag(false, '--tty', '-t'), flag(false, '--detach', '-d'), flag(true, '--env', '-e'), flag(true, '--workdir', '-w')],
    operands: 'container',
    minOperands: 2,
    stopAtFirstOperand: true,
  },
  { path: ['attach'], aliases: [['container', 'attach']], flags: [], operands: 'containers', minOperands: 1, maxOperands: 1 },
  {
    path: ['ps'],
    aliases: [['container', 'ls'], ['container', 'ps']],
    flags: [flag(false, '--all', '-a'), flag(false, '--size', '-s'), flag(false, '--quiet', '-q')],
    operands: 'none',
    minOperands: 0,
    maxOperands: 0,
  },
  { path: ['diff'], aliases: [['container', 'diff']], flags: [], operands: 'containers', minOperands: 1, maxOperands: 1 },
  {
    path: ['logs'],
    aliases: [['container', 'logs']],
    flags: [flag(false, '--follow', '-f'), flag(true, '--tail', '-n')],
    operands: 'containers',
    minOperands: 1,
    maxOperands: 1,
  },
  { path: ['history'], aliases: [['image', 'history']], flags: [], operands: 'image', minOperands: 1, maxOperands: 1 },
  { path: ['pull'], aliases: [['image', 'pull']], flags: [], operands: 'image', minOperands: 1, maxOperands: 1 },
  { path: ['images'], aliases: [['image', 'ls']], flags: [], operands: 'none', minOperands: 0, maxOperands: 0 },
  { path: ['info'], aliases: [['system', 'info']], flags: [], operands: 'none', minOperands: 0, maxOperands: 0 },
  { path: ['inspect'], flags: [formatFlag], operands: 'objects', minOperands: 1 },
  { path: ['container', 'inspect'], flags: [formatFlag], operands: 'containers', minOperands: 1 },
  { path: ['volume', 'create'], flags: [], operands: 'new-volumes', minOperands: 0, maxOperands: 1 },
  { path: ['volume', 'inspect'], flags: [formatFlag], operands: 'volumes', minOperands: 1 },
  { path: ['volume', 'ls'], flags: [], operands: 'none', minOperands: 0, maxOperands: 0 },
  { path: ['volume', 'rm'], flags: [flag(false, '--force', '-f')], operands: 'volumes', minOperands: 1 },
  { path: ['volume', 'prune'], flags: [flag(false, '--force', '-f')], operands: 'none', minOperands: 0, maxOperands: 0 },
  { path: ['network', 'create'], flags: [flag(true, '--driver', '-d')], operands: 'new-network', minOperands: 1, maxOperands: 1 },
  { path: ['network', 'ls'], flags: [], operands: 'none', minOperands: 0, maxOperands: 0 },
  { path: ['network', 'inspect'], flags: [formatFlag], operands: 'networks', minOperands: 1 },
  { path: ['network', 'connect'], flags: [], operands: 'network+container', minOperands: 2, maxOperands: 2 },
  { path: ['network', 'disconnect'], flags: [], operands: 'network+container', minOperands: 2, maxOperands: 2 },
  { path: ['network', 'rm'], flags: [], operands: 'networks', minOperands: 1 },
  { path: ['rm'], aliases: [['container', 'rm']], flags: [flag(false, '--force', '-f')], operands: 'containers', minOperands: 1 },
  { path: ['start'], aliases: [['container', 'start']], flags: [], operands: 'containers', minOperands: 1 },
  { path: ['stop'], aliases: [['container', 'stop']], flags: [], operands: 'containers', minOperands: 1 },
  { path: ['restart'], aliases: [['container', 'restart']], flags: [], operands: 'containers', minOperands: 1 },
  { path: ['kill'], aliases: [['container', 'kill']], flags: [], operands: 'containers', minOperands: 1 },
]

/** Networks every engine has: never created by a demo, never removed by one. */
export const BUILTIN_NETWORKS = ['bridge', 'host', 'none'] as const
