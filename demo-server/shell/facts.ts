/**
 * What the check needs to know of the shell the deck's lines will run in, asked of that bash
 * itself: its builtins and keywords, the variables a new shell has (the presenter's environment
 * and bash's own), and which programs are on its PATH. The I/O edge of the check's shell rules.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { DOCKER_PROGRAMS } from '../docker-cli/programs.ts'
import { onPath } from '../docker-cli/which-cli.ts'
import { HOST_PROGRAM } from './rc.ts'
import { ShellNotFoundError, resolveShell } from './which-shell.ts'

export interface ShellFacts {
  /** The bash that runs the lines, or why there is none. */
  bash: string | { missing: string }
  /** Builtins and keywords (`cd`, `export`, `[`, `time`). */
  builtins: ReadonlySet<string>
  /** Variables a demo's shell has before any line sets one. */
  variables: ReadonlySet<string>
  /** Whether the shell would find `program` on its PATH (docker, docker-compose and host$ are
   *  the demo server's, and always there). */
  onPath: (program: string) => boolean
  /** The engine's own socket, when known: a line that names it goes around the proxy. */
  engineSocket?: string
}

const SEPARATOR = '--docker-demo--'

export async function readShellFacts(env: NodeJS.ProcessEnv = process.env): Promise<ShellFacts> {
  const searchPath = env.PATH
  const onShellPath = (program: string) => program === HOST_PROGRAM || (DOCKER_PROGRAMS as readonly string[]).includes(program) || onPath(program, searchPath) !== undefined
  let bash: string
  try {
    bash = resolveShell(env)
  }
  catch (error) {
    if (!(error instanceof ShellNotFoundError))
      throw error
    return { bash: { missing: error.message }, builtins: new Set(), variables: new Set(Object.keys(env)), onPath: onShellPath }
  }
  const { stdout } = await promisify(execFile)(bash, ['--noprofile', '--norc', '-c', `compgen -b; compgen -k; echo ${SEPARATOR}; compgen -v`], { env, timeout: 10_000 })
  const [builtins, variables] = stdout.split(`${SEPARATOR}\n`).map(part => new Set(part.split('\n').filter(Boolean)))
  return { bash, builtins, variables: new Set([...variables, ...Object.keys(env), 'PWD', 'OLDPWD']), onPath: onShellPath }
}

/** Facts of a machine that has every program and no extra variables: for pure tests that hold
 *  a deck to the CLI alone. `bash -c 'compgen -b -k'` of bash 5.2, as a fixed list. */
export function fixedShellFacts(options: { programs?: readonly string[], variables?: readonly string[] } = {}): ShellFacts {
  const programs = options.programs
  return {
    bash: '/bin/bash',
    builtins: new Set(BASH_BUILTINS),
    variables: new Set(['HOME', 'PATH', 'PWD', 'OLDPWD', 'USER', 'SHELL', 'HOSTNAME', 'UID', 'RANDOM', 'SECONDS', 'LINENO', 'BASH_VERSION', ...(options.variables ?? [])]),
    onPath: program => programs === undefined || programs.includes(path.basename(program)) || program === HOST_PROGRAM || (DOCKER_PROGRAMS as readonly string[]).includes(program),
  }
}

const BASH_BUILTINS = ['.', ':', '[', 'alias', 'bg', 'bind', 'break', 'builtin', 'caller', 'cd', 'command', 'compgen', 'complete', 'compopt', 'continue', 'declare', 'dirs', 'disown', 'echo', 'enable', 'eval', 'exec', 'exit', 'export', 'false', 'fc', 'fg', 'getopts', 'hash', 'help', 'history', 'jobs', 'kill', 'let', 'local', 'logout', 'mapfile', 'popd', 'printf', 'pushd', 'pwd', 'read', 'readarray', 'readonly', 'return', 'set', 'shift', 'shopt', 'source', 'suspend', 'test', 'times', 'trap', 'true', 'type', 'typeset', 'ulimit', 'umask', 'unalias', 'unset', 'wait', 'if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done', 'in', 'function', 'time', '{', '}', '!', '[[', ']]', 'coproc']
