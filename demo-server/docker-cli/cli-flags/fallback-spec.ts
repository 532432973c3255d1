/**
 * What the deck parser assumes when no CLI has been asked (the server reading a deck): only
 * which flags of the commands that open a terminal take no value, to find the container a
 * `docker run -it` or `docker exec -it` step enters (and `--name`). Read leniently, every
 * other flag takes a value. test/unit/docker-cli/fallback-spec.test.ts holds these lists to the real CLIs' pages;
 * `npm run check` parses the deck again with the real CLI's spec.
 */
import type { HelpOption } from './help-page.ts'
import type { CliSpec, CommandSpec } from './cli-spec.ts'
import { CLI_SPEC_FORMAT } from './cli-spec.ts'

const booleans = (...names: string[]): HelpOption[] => names.map((name) => {
  const [long, short] = name.split(' ')
  return { long, ...(short ? { short } : {}), takesValue: false }
})

/** `--name` is the one value the parser reads: the container a `run -it` step enters. */
const NAME: HelpOption = { long: '--name', takesValue: true }
const RUN = [NAME, ...booleans('--detach -d', '--disable-content-trust', '--init', '--interactive -i', '--no-healthcheck', '--oom-kill-disable', '--privileged', '--publish-all -P', '--quiet -q', '--read-only', '--rm', '--sig-proxy', '--tty -t', '--use-api-socket')]
const EXEC = booleans('--detach -d', '--interactive -i', '--privileged', '--tty -t')
const ATTACH = booleans('--no-stdin', '--sig-proxy')

function command(path: string[], options: HelpOption[], commandAfter?: number): CommandSpec {
  return { path, options, operands: { min: 0, max: null, ...(commandAfter !== undefined ? { commandAfter } : {}) }, subcommands: {}, aliases: {} }
}

function terminalCommands(parent: string[]): Record<string, CommandSpec> {
  return {
    run: command([...parent, 'run'], RUN, 1),
    create: command([...parent, 'create'], RUN, 1),
    exec: command([...parent, 'exec'], EXEC, 1),
    attach: command([...parent, 'attach'], ATTACH),
  }
}

export const FALLBACK_SPEC: CliSpec = {
  format: CLI_SPEC_FORMAT,
  cli: '(no docker CLI asked)',
  version: 'fallback',
  root: {
    path: [],
    options: [],
    operands: { min: 0, max: null },
    subcommands: {
      ...terminalCommands([]),
      container: { ...command(['container'], []), subcommands: terminalCommands(['container']) },
    },
    aliases: {},
  },
}
