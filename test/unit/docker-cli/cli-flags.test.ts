/** Help pages captured from the 20.10 and 28.2 CLIs (test/fixtures/docker-help) read into
 *  specs, and command lines read against them. Pure. */
import { describe, expect, it } from 'vitest'
import { buildCliSpec } from '../../../demo-server/docker-cli/cli-flags/cli-spec'
import { FALLBACK_SPEC, FALLBACK_SPECS } from '../../../demo-server/docker-cli/cli-flags/fallback-spec'
import { parseHelpPage } from '../../../demo-server/docker-cli/cli-flags/help-page'
import { readDockerArgv } from '../../../demo-server/docker-cli/cli-flags/read-argv'
import { operandRule } from '../../../demo-server/docker-cli/cli-flags/usage'
import { CAPTURED, CAPTURED_SPECS, capturedSpec } from '../../fixtures/docker-help/captured'

const read = (version: string, line: string) => readDockerArgv(capturedSpec(version), line.split(' '))

describe('a help page', () => {
  it.each(CAPTURED.map(c => [c.version, c] as const))('docker %s run: value flags, booleans, shorthands', (_version, captured) => {
    const page = parseHelpPage(captured.pages.run, ['run'])
    const option = (long: string) => page.options.find(o => o.long === long)
    expect(option('--env')).toEqual({ long: '--env', short: '-e', takesValue: true })
    expect(option('--rm')).toEqual({ long: '--rm', takesValue: false })
    expect(option('--publish-all')).toEqual({ long: '--publish-all', short: '-P', takesValue: false })
    expect(option('--memory')).toEqual({ long: '--memory', short: '-m', takesValue: true })
    expect(page.options.length).toBeGreaterThan(90)
    expect(page.usage).toEqual(['docker run [OPTIONS] IMAGE [COMMAND] [ARG...]'])
  })

  it('reads aliases in the 20.10 form (bare words) and the 28.x form (whole commands)', () => {
    const old = CAPTURED.find(c => c.version.startsWith('20.'))!
    const current = CAPTURED.find(c => c.version.startsWith('28.'))!
    expect(parseHelpPage(old.pages['container ls'], ['container', 'ls']).aliases.sort()).toEqual(['list', 'ps'])
    expect(parseHelpPage(current.pages['container ls'], ['container', 'ls']).aliases.sort()).toEqual(['list', 'ps'])
    expect(parseHelpPage(current.pages.ps, ['ps']).aliases).toEqual([])
  })

  it('lists commands of every section, plugins marked', () => {
    const page = parseHelpPage([
      'Usage:  docker [OPTIONS] COMMAND',
      '',
      'Common Commands:',
      '  run         Create and run a new container from an image',
      '',
      'Management Commands:',
      '  compose*    Docker Compose (Docker Inc., v2.29.1)',
      '  network     Manage networks',
      '',
      'Global Options:',
      '  -D, --debug              Enable debug mode',
      '  -H, --host list          Daemon socket to connect to',
    ].join('\n'), [])
    expect(page.commands).toEqual([{ name: 'run', plugin: false }, { name: 'compose', plugin: true }, { name: 'network', plugin: false }])
    expect(page.options).toEqual([{ long: '--debug', short: '-D', takesValue: false }, { long: '--host', short: '-H', takesValue: true }])
  })
})

describe('operands from the usage line', () => {
  it.each([
    ['docker ps [OPTIONS]', ['ps'], { min: 0, max: 0 }],
    ['docker rm [OPTIONS] CONTAINER [CONTAINER...]', ['rm'], { min: 1, max: null }],
    ['docker run [OPTIONS] IMAGE [COMMAND] [ARG...]', ['run'], { min: 1, max: null, commandAfter: 1 }],
    ['docker exec [OPTIONS] CONTAINER COMMAND [ARG...]', ['exec'], { min: 2, max: null, commandAfter: 1 }],
    ['docker port CONTAINER [PRIVATE_PORT[/PROTO]]', ['port'], { min: 1, max: 2 }],
    ['docker top CONTAINER [ps OPTIONS]', ['top'], { min: 1, max: null }],
    ['docker build [OPTIONS] PATH | URL | -', ['build'], { min: 1, max: 1 }],
    ['docker network connect [OPTIONS] NETWORK CONTAINER', ['network', 'connect'], { min: 2, max: 2 }],
  ] as const)('%s', (usage, path, rule) => {
    expect(operandRule([usage], path)).toEqual(rule)
  })

  it('takes the loosest of several usage lines (docker cp)', () => {
    expect(operandRule(['docker cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-', 'docker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH'], ['cp'])).toEqual({ min: 2, max: 2 })
  })
})

describe.each(CAPTURED_SPECS.map(spec => [spec.version, spec] as const))('reading a line against docker %s', (version) => {
  it('accepts what the CLI accepts', () => {
    for (const line of [
      'run -dit --rm -e A=1 --env-file x -u 1000 -P --memory 10m --cpus 1 --read-only --tmpfs /t --init --label a=b --ip 10.0.0.2 --network-alias x --restart always --name co1 alpine ls -la',
      'run -p8080:80 -eA=1 --rm=false alpine',
      'container list -a',
      'ps --filter name=x --format {{.Names}}',
      'network create --subnet 10.0.0.0/24 --gateway 10.0.0.1 n',
      'stats --no-stream',
      'events --since 1m',
      'system df',
      'logs -t --since 1m co1',
      'build -t x app',
      '-H unix:///var/run/docker.sock ps',
      'image ls --format {{.ID}}',
    ])
      expect(read(version, line).problems, line).toEqual([])
  })

  it('keeps the command run inside apart from docker\'s own flags', () => {
    const line = read(version, 'run --rm --name co1 alpine ls -la --name x')
    expect(line.command?.path).toEqual(['run'])
    expect(line.flags.get('--name')).toEqual(['co1'])
    expect(line.operands).toEqual(['alpine', 'ls', '-la', '--name', 'x'])
  })

  it('resolves aliases to the listed command', () => {
    expect(read(version, 'container list').command?.path).toEqual(['container', 'ls'])
  })

  it('reports every problem on a line', () => {
    expect(read(version, 'run --frobnicate --rm=yes -dZ --name').problems).toEqual([
      'unknown flag "--frobnicate" for "docker run"',
      'flag "--rm" of "docker run" takes no value (or only =true, =false), got "yes"',
      'unknown flag "-Z" for "docker run" (in "-dZ")',
      'flag "--name" of "docker run" needs a value',
      '"docker run" needs an argument (usage: see docker run --help)',
    ])
  })

  it('says the compose plugin is missing, and what to do', () => {
    expect(read(version, 'compose up -d').problems).toEqual([expect.stringMatching(/^"docker compose" needs the compose plugin, which this docker CLI lacks: install it .*docker-compose-plugin.*"docker-compose"/)])
  })
})

describe('a CLI with the compose plugin', () => {
  it('reads compose lines against the plugin\'s own pages', () => {
    const pages = {
      '': 'Usage:  docker [OPTIONS] COMMAND\n\nManagement Commands:\n  compose*    Docker Compose\n',
      'compose': 'Usage:  docker compose [OPTIONS] COMMAND\n\nCommands:\n  up          Create and start containers\n\nOptions:\n  -f, --file stringArray   Compose configuration files\n',
      'compose up': 'Usage:  docker compose up [OPTIONS] [SERVICE...]\n\nOptions:\n  -d, --detach   Detached mode\n      --build    Build images\n',
    }
    const spec = buildCliSpec(pages, '/usr/bin/docker', '99.0.0')
    expect(readDockerArgv(spec, 'compose up -d --build web'.split(' ')).problems).toEqual([])
    expect(readDockerArgv(spec, 'compose up --frob'.split(' ')).problems).toEqual(['unknown flag "--frob" for "docker compose up"'])
  })
})

describe('the fallback the parser uses without a CLI', () => {
  it.each(CAPTURED_SPECS.map(spec => [spec.version, spec] as const))('knows every boolean flag of run, create, exec, attach, start, pull and history in docker %s', (_version, spec) => {
    for (const name of ['run', 'create', 'exec', 'attach', 'start', 'pull', 'history']) {
      const booleans = (options: { long?: string, short?: string, takesValue: boolean }[]) =>
        options.filter(o => !o.takesValue && o.long !== '--help').map(o => `${o.long} ${o.short ?? ''}`).sort()
      const fallback = booleans(FALLBACK_SPEC.root.subcommands[name].options)
      for (const flag of booleans(spec.root.subcommands[name].options))
        expect(fallback, `docker ${spec.version} ${name}`).toContain(flag)
    }
  })

  it('finds the image and the name of a run line with flags it does not know', () => {
    const line = readDockerArgv(FALLBACK_SPEC, 'run -it -u 1000 --name box -e A=1 alpine sh'.split(' '), { lenient: true })
    expect(line.operands).toEqual(['alpine', 'sh'])
    expect(line.flags.get('--name')).toEqual(['box'])
  })
})

describe('pages read without an engine (discover.ts)', () => {
  it('hold the flags an older engine would hide: CLI 28 has volume prune --all, this engine (API 1.41) not', () => {
    expect(readDockerArgv(capturedSpec('28'), 'volume prune --all -f'.split(' ')).problems).toEqual([])
    expect(readDockerArgv(capturedSpec('20'), 'volume prune --all -f'.split(' ')).problems).toEqual(['unknown flag "--all" for "docker volume prune"'])
  })
})

describe('compose v1 (docopt help pages, captured from Debian\'s docker-compose 1.29)', () => {
  const compose = capturedSpec('1.29', 'docker-compose')

  it('reads its global options, commands, flags and operands', () => {
    const up = readDockerArgv(compose, '-f app/docker-compose.yml -p shop up -d --scale web=2 web db'.split(' '))
    expect(up.problems).toEqual([])
    expect(up.command?.path).toEqual(['up'])
    expect(up.flags.get('--scale')).toEqual(['web=2'])
    expect(up.operands).toEqual(['web', 'db'])
    // `-e, --env KEY=VAL Set ...`: a placeholder one space from its description still takes a value.
    const exec = readDockerArgv(compose, 'exec -T -e A=1 --index=2 web sh -c ls'.split(' '))
    expect(exec.problems).toEqual([])
    expect(exec.operands).toEqual(['web', 'sh', '-c', 'ls'])
  })

  it('names its problems as compose does', () => {
    expect(readDockerArgv(compose, 'up --frob'.split(' ')).problems).toEqual(['unknown flag "--frob" for "docker-compose up"'])
    expect(readDockerArgv(compose, 'down web'.split(' ')).problems).toEqual(['"docker-compose down" takes no arguments, got 1'])
    expect(readDockerArgv(compose, 'exec web'.split(' ')).problems[0]).toMatch(/^"docker-compose exec" needs at least 2 arguments/)
    expect(readDockerArgv(compose, 'frob'.split(' ')).problems[0]).toMatch(/^unknown docker-compose subcommand "frob"/)
  })

  it('the fallback knows every boolean of its root, exec and run', () => {
    const booleans = (options: { long?: string, short?: string, takesValue: boolean }[]) =>
      options.filter(o => !o.takesValue && o.long !== '--help').map(o => `${o.long} ${o.short ?? ''}`).sort()
    const fallback = FALLBACK_SPECS['docker-compose'].root
    for (const [name, real] of [['', compose.root], ['exec', compose.root.subcommands.exec], ['run', compose.root.subcommands.run]] as const) {
      const known = booleans((name ? fallback.subcommands[name] : fallback).options)
      for (const flag of booleans(real.options))
        expect(known, `docker-compose ${name}`).toContain(flag)
    }
  })
})

describe('the parser without a CLI and with one agree on the seed deck', () => {
  it('finds the same lines that open a terminal', async () => {
    const { loadDeck } = await import('../../../demo-server/deck/load')
    const entered = (deck: Awaited<ReturnType<typeof loadDeck>>) => deck.demos.flatMap(d => d.steps.map(s => s.opensTerminal ?? null))
    const withoutCli = entered(await loadDeck('slides.md'))
    expect(withoutCli.filter(Boolean).length).toBeGreaterThan(3)
    for (const spec of CAPTURED_SPECS)
      expect(entered(await loadDeck('slides.md', { docker: spec }))).toEqual(withoutCli)
  })
})
