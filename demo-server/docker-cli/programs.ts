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

/** Global options that take a value, of those a line may not give either. */
const VALUED_GLOBALS = new Set(['-H', '--host', '--config', '--tlscacert', '--tlscert', '--tlskey', '-p', '--project-name'])

/** The subcommand of a command line (the words after the program's name): the first word that
 *  is not a global option or its value. */
export function subcommandOf(program: DockerProgram, argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith('-') || arg === '-')
      return arg
    if (!arg.includes('=') && (ALLOWED_GLOBALS[program][arg] === true || VALUED_GLOBALS.has(arg)))
      i += 1
  }
  return undefined
}
