/**
 * What the deck parser assumes when no CLI has been asked (the server reading a deck): only
 * which flags of the commands that open a terminal take no value, to find the container a
 * `docker run -it` or `docker exec -it` step enters (and `--name`), and of those that name an
 * image (`pull`, `history`), for a recording's list of images. Read leniently, every other
 * flag takes a value. Compose v1 the same way: its global booleans, `exec` and `run`, which
 * open a terminal unless `-d` or `-T`, and whether `up` is detached.
 * test/unit/docker-cli/cli-flags.test.ts holds these lists to the real programs' pages;
 * `npm run check` parses the deck again with the real specs.
 */
import type { DockerProgram } from '../programs.ts'
import type { HelpOption } from './help-page.ts'
import type { CliSpec, CommandSpec } from './cli-spec.ts'
import { CLI_SPEC_FORMAT } from './cli-spec.ts'

/** `'--detach -d'`, `'--rm'` or `'-T'`: the long name, the shorthand, or both. */
const booleans = (...names: string[]): HelpOption[] => names.map((name) => {
  const long = name.split(' ').find(word => word.startsWith('--'))
  const short = name.split(' ').find(word => /^-[^-]/.test(word))
  return { ...(long ? { long } : {}), ...(short ? { short } : {}), takesValue: false }
})

/** `--name` is the one value the parser reads: the container a `run -it` step enters. */
const NAME: HelpOption = { long: '--name', takesValue: true }
const RUN = [NAME, ...booleans('--detach -d', '--disable-content-trust', '--init', '--interactive -i', '--no-healthcheck', '--oom-kill-disable', '--privileged', '--publish-all -P', '--quiet -q', '--read-only', '--rm', '--sig-proxy', '--tty -t', '--use-api-socket')]
const EXEC = booleans('--detach -d', '--interactive -i', '--privileged', '--tty -t')
const ATTACH = booleans('--no-stdin', '--sig-proxy')
const START = booleans('--attach -a', '--interactive -i')

function command(path: string[], options: HelpOption[], commandAfter?: number): CommandSpec {
  return { path, options, operands: { min: 0, max: null, ...(commandAfter !== undefined ? { commandAfter } : {}) }, subcommands: {}, aliases: {} }
}

const PULL = booleans('--all-tags -a', '--disable-content-trust', '--quiet -q')
const HISTORY = booleans('--human -H', '--no-trunc', '--quiet -q')

function terminalCommands(parent: string[]): Record<string, CommandSpec> {
  return {
    run: command([...parent, 'run'], RUN, 1),
    create: command([...parent, 'create'], RUN, 1),
    exec: command([...parent, 'exec'], EXEC, 1),
    attach: command([...parent, 'attach'], ATTACH),
    start: command([...parent, 'start'], START),
  }
}

function imageCommands(parent: string[]): Record<string, CommandSpec> {
  return {
    pull: command([...parent, 'pull'], PULL),
    history: command([...parent, 'history'], HISTORY),
  }
}

export const FALLBACK_SPEC: CliSpec = {
  format: CLI_SPEC_FORMAT,
  program: 'docker',
  cli: '(no docker CLI asked)',
  version: 'fallback',
  root: {
    path: [],
    // The global booleans a step may give (docker-cli/programs.ts): the word after one is the
    // command, not its value.
    options: booleans('--debug -D', '--version -v'),
    operands: { min: 0, max: null },
    subcommands: {
      ...terminalCommands([]),
      ...imageCommands([]),
      container: { ...command(['container'], []), subcommands: terminalCommands(['container']) },
      image: { ...command(['image'], []), subcommands: imageCommands(['image']) },
    },
    aliases: {},
  },
}

const COMPOSE_ROOT = booleans('--verbose', '--no-ansi', '--version -v', '--tls', '--tlsverify', '--skip-hostname-check', '--compatibility')
const COMPOSE_EXEC = booleans('--detach -d', '--privileged', '-T')
const COMPOSE_RUN = [NAME, ...booleans('--detach -d', '--no-deps', '--rm', '--service-ports', '--use-aliases', '-T')]
const COMPOSE_UP = booleans('--detach -d')

export const COMPOSE_FALLBACK_SPEC: CliSpec = {
  format: CLI_SPEC_FORMAT,
  program: 'docker-compose',
  cli: '(no docker-compose asked)',
  version: 'fallback',
  root: {
    ...command([], COMPOSE_ROOT),
    subcommands: { exec: command(['exec'], COMPOSE_EXEC, 1), run: command(['run'], COMPOSE_RUN, 1), up: command(['up'], COMPOSE_UP) },
  },
}

export const FALLBACK_SPECS: Record<DockerProgram, CliSpec> = { 'docker': FALLBACK_SPEC, 'docker-compose': COMPOSE_FALLBACK_SPEC }
