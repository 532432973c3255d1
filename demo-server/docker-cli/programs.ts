/**
 * The programs a deck's docker steps run. `docker` is the presenter's docker CLI (its compose
 * plugin included: `docker compose ...`); `docker-compose` is compose v1, a program of its own
 * that Debian and older setups still have. Both talk to the engine only through our proxy.
 */

export const DOCKER_PROGRAMS = ['docker', 'docker-compose'] as const
export type DockerProgram = typeof DOCKER_PROGRAMS[number]

export interface ProgramFacts {
  /** Names the program to run instead of the one on PATH: a path, or a name on PATH. */
  env: string
  /** What a presenter without it can do. */
  installHint: string
}

export const PROGRAMS: Record<DockerProgram, ProgramFacts> = {
  'docker': {
    env: 'DOCKER_DEMO_CLI',
    installHint: 'install the docker CLI (Docker Desktop on macOS and Windows; on Debian or Ubuntu `sudo apt-get install docker.io`, or docker-ce-cli from Docker\'s apt repository), or set DOCKER_DEMO_CLI to the path of one',
  },
  'docker-compose': {
    env: 'DOCKER_DEMO_COMPOSE',
    installHint: 'install compose v1 (on Debian or Ubuntu `sudo apt-get install docker-compose`), or set DOCKER_DEMO_COMPOSE to the path of one; with the compose plugin, write the step as "docker compose ..." instead',
  },
}

/** `NAME=value` before the program, as a shell reads it (a quoted value may hold spaces). */
export const ASSIGNMENT = String.raw`[A-Za-z_]\w*=(?:"[^"]*"|'[^']*'|[^\s"'])*`

/** The program a step's command line runs: its first word after any `NAME=value`, if it is
 *  one of ours. */
export function programOf(command: string): DockerProgram | undefined {
  const first = new RegExp(String.raw`^(?:${ASSIGNMENT}\s+)*(\S+)`).exec(command.trim())?.[1]
  return (DOCKER_PROGRAMS as readonly string[]).includes(first ?? '') ? first as DockerProgram : undefined
}

/** A tokenized step: its `NAME=value` words, the program, and the program's arguments. */
export interface CommandParts {
  env: Record<string, string>
  program: string
  args: string[]
}

export function commandParts(argv: readonly string[]): CommandParts {
  const env: Record<string, string> = {}
  let i = 0
  for (; i < argv.length && /^[A-Za-z_]\w*=/.test(argv[i]); i++) {
    const eq = argv[i].indexOf('=')
    env[argv[i].slice(0, eq)] = argv[i].slice(eq + 1)
  }
  return { env, program: argv[i] ?? '', args: argv.slice(i + 1) }
}

/**
 * Variables a step may not set for its program (`DOCKER_BUILDKIT=0 docker build ...` and
 * `TAG=v2 docker-compose up` are fine): those that would send it around the proxy, or have it
 * load programs, libraries or modules of the deck's instead of its own.
 */
const FORBIDDEN_VARIABLE = /^(?:DOCKER_(?:HOST|CONTEXT|CONFIG|TLS\w*|CERT_PATH|API_VERSION)|PATH|HOME|LD_\w+|DYLD_\w+|PYTHON\w*)$/

export function forbiddenVariables(env: Record<string, string>): string[] {
  return Object.keys(env).filter(name => FORBIDDEN_VARIABLE.test(name))
}

export function forbiddenVariablesProblem(program: DockerProgram, names: string[]): string {
  return `${names.join(', ')} set for ${program}: every step goes through the demo server's proxy with the presenter's own configuration, and ${names.length === 1 ? 'this variable' : 'these variables'} would change that. Remove ${names.length === 1 ? 'it' : 'them'} (other variables, e.g. DOCKER_BUILDKIT=0 or a compose file's TAG=v2, are fine)`
}

/**
 * The global options a step may give each program (true: it takes a value). Anything else before
 * the subcommand is refused, not only -H and --context:
 * - compose v1 reads its options with docopt, which takes any unambiguous prefix of a long one
 *   (`--ho=tcp://x` is --host; `--project-n x -H y` hides -H behind an option whose value we
 *   would not know to skip);
 * - compose v1's `--context default` is docker-py's built-in default context, the local socket,
 *   not DOCKER_HOST; for the docker CLI, `default` is DOCKER_HOST;
 * - the docker CLI's `--config DIR` runs DIR/cli-plugins/docker-NAME, a program of the deck's;
 * - `--tls*` only change how the program talks to our unix socket.
 */
const ALLOWED_GLOBALS: Record<DockerProgram, Record<string, boolean>> = {
  'docker': {
    '-D': false, '--debug': false, '-l': true, '--log-level': true, '-c': true, '--context': true,
    '-v': false, '--version': false, '-h': false, '--help': false,
  },
  'docker-compose': {
    '-f': true, '--file': true, '-p': true, '--project-name': true, '--profile': true,
    '--project-directory': true, '--env-file': true, '--ansi': true, '--no-ansi': false,
    '--verbose': false, '--log-level': true, '--compatibility': false, '-v': false,
    '--version': false, '-h': false, '--help': false,
  },
}

/** Refused options whose value the refusal shows (`-H unix:///s`). */
const SHOWN_WITH_VALUE = new Set(['-H', '--host', '-c', '--context', '--config', '--tlscacert', '--tlscert', '--tlskey'])

/**
 * The first global option of `argv` (the words after the program's name) that a step may not
 * give, as written; undefined when there is none. Only global options count: a container's own
 * command (`curl -H ...`) is not the program's.
 */
export function forbiddenGlobalOption(program: DockerProgram, argv: readonly string[]): string | undefined {
  const allowed = ALLOWED_GLOBALS[program]
  const shown = (arg: string, flag: string, attached: string, i: number) =>
    attached === '' && SHOWN_WITH_VALUE.has(flag) && argv[i + 1] !== undefined ? `${arg} ${argv[i + 1]}` : arg
  const contextAllowed = (value: string | undefined) => program === 'docker' && value === 'default'
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--' || arg === '-' || !arg.startsWith('-'))
      return undefined // the subcommand: its flags are its own
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const flag = eq === -1 ? arg : arg.slice(0, eq)
      const attached = eq === -1 ? undefined : arg.slice(eq + 1)
      if (!Object.hasOwn(allowed, flag))
        return shown(arg, flag, attached ?? '', i)
      if (flag === '--context' && !contextAllowed(attached ?? argv[i + 1]))
        return shown(arg, flag, attached ?? '', i)
      if (allowed[flag] && attached === undefined)
        i += 1
      continue
    }
    // A cluster of shorthands (`-DH unix:///...`): the first that takes a value ends it.
    for (let j = 1; j < arg.length; j++) {
      const flag = `-${arg[j]}`
      const rest = arg.slice(j + 1).replace(/^=/, '')
      if (!Object.hasOwn(allowed, flag))
        return shown(arg, flag, rest, i)
      if (!allowed[flag])
        continue
      if (flag === '-c' && !contextAllowed(rest || argv[i + 1]))
        return shown(arg, flag, rest, i)
      if (!rest)
        i += 1
      break
    }
  }
  return undefined
}

export function forbiddenGlobalOptionProblem(program: DockerProgram, option: string): string {
  return `"${program} ${option}": every step goes through the demo server's proxy, which labels and scopes what the deck does, and this option would go around it (another engine or context, TLS settings, a config directory with its own plugins). Remove it; before the subcommand, a step may give ${program} only ${Object.keys(ALLOWED_GLOBALS[program]).join(', ')}, spelled in full`
}

/** What in a step's command line would go around the proxy (variables before the program,
 *  global options before the subcommand), as problems a presenter can act on; none: []. The
 *  check reports them, and the server refuses to run such a step. */
export function bypassProblems(program: DockerProgram, parts: Pick<CommandParts, 'env' | 'args'>): string[] {
  const problems: string[] = []
  const variables = forbiddenVariables(parts.env)
  if (variables.length > 0)
    problems.push(forbiddenVariablesProblem(program, variables))
  const option = forbiddenGlobalOption(program, parts.args)
  if (option)
    problems.push(forbiddenGlobalOptionProblem(program, option))
  return problems
}
