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

/** The program a step's command line runs: its first word, if it is one of ours. */
export function programOf(command: string): DockerProgram | undefined {
  const first = /^\S+/.exec(command.trim())?.[0]
  return (DOCKER_PROGRAMS as readonly string[]).includes(first ?? '') ? first as DockerProgram : undefined
}

/** Global options that take a value, of both programs (docker: `docker --help`; compose v1:
 *  `docker-compose --help`): the word after them is their value, not the subcommand. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set([
  '--config', '-c', '--context', '-H', '--host', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey',
  '-f', '--file', '-p', '--project-name', '--profile', '--ansi', '--project-directory', '--env-file',
])

/**
 * A global option that would send the program to another engine than our proxy: DOCKER_HOST is
 * the proxy (engine/cli-launch.ts), and `-H` and `--context` win over it. Only global options
 * count: a container's own command (`curl -H ...`) is not the program's. `--context default`
 * is the one context that stays on DOCKER_HOST.
 */
export function redirectingOption(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--' || !arg.startsWith('-'))
      return undefined // the subcommand: its flags are its own
    let flag: string
    let attached: string | undefined
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      flag = eq === -1 ? arg : arg.slice(0, eq)
      attached = eq === -1 ? undefined : arg.slice(eq + 1)
    }
    else {
      // A cluster of shorthands (`-DH unix:///...`): the first that takes a value ends it.
      const at = [...arg.slice(1)].findIndex(letter => GLOBAL_OPTIONS_WITH_VALUE.has(`-${letter}`)) + 1
      flag = at > 0 ? `-${arg[at]}` : arg.slice(0, 2)
      attached = at > 0 && at < arg.length - 1 ? arg.slice(at + 1).replace(/^=/, '') : undefined
    }
    const value = attached ?? argv[i + 1]
    const shown = attached === undefined && value !== undefined ? `${arg} ${value}` : arg
    if (flag === '-H' || flag === '--host')
      return shown
    if ((flag === '-c' || flag === '--context') && value !== 'default')
      return shown
    if (attached === undefined && GLOBAL_OPTIONS_WITH_VALUE.has(flag))
      i += 1
  }
  return undefined
}

export function redirectingOptionProblem(program: DockerProgram, option: string): string {
  return `"${program} ${option}" would talk to another engine than the demo server's proxy, which labels and scopes what the deck does: remove it (the demos run on the engine the server is connected to: DOCKER_HOST, the docker context, or the local socket)`
}
