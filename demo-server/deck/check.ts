/**
 * The deck check: everything `npm run check` reports, found without an engine. Each line is read
 * as bash reads it (its model, shell/syntax.ts), and every docker and docker-compose invocation
 * in it, wherever it sits, is held to the CLI that will run it (docker-cli/cli-flags/). Also:
 * what would go around the proxy (shell/bypass.ts), programs that are not on the presenter's
 * PATH, variables nothing sets, and containers, networks and volumes that no earlier line makes.
 * Every problem on a line is reported. Pure: what bash and PATH hold comes in as ShellFacts.
 */
import type { Deck, DeckProblem, Demo, SourceLocation, Step } from './model.ts'
import type { CliSpec } from '../docker-cli/cli-flags/cli-spec.ts'
import type { DockerProgram } from '../docker-cli/programs.ts'
import { readDockerArgv } from '../docker-cli/cli-flags/read-argv.ts'
import { parseMountFlag, parseVolumeFlag } from '../docker-cli/mounts.ts'
import { bypassesIn } from '../shell/bypass.ts'
import type { ShellFacts } from '../shell/facts.ts'
import { invocationsOf } from '../shell/invocations.ts'
import type { ShellScript } from '../shell/syntax.ts'
import { HOST_PROGRAM } from '../shell/rc.ts'
import { commandKey, deckLocation, dockerInvocations, dockerProgramOf, lineTerminalUse } from './steps.ts'

/** Networks every engine has: never created by a demo, never removed by one. */
export const BUILTIN_NETWORKS = ['bridge', 'host', 'none'] as const

/** A docker invocation as the check reads it: the command (`container` spelling folded, see
 *  commandKey) with its flags and operands. */
interface CheckedCommand {
  name: string
  flags: Map<string, string[]>
  operands: string[]
}

function flagValues(command: CheckedCommand, flag: string): string[] {
  return (command.flags.get(flag) ?? []).filter(value => value !== 'false')
}

type ObjectKind = 'container' | 'network' | 'volume'
/** `removed-when-stopped`: a container started with --rm that outlives its step. `compose`:
 *  a compose project was brought up, whose objects the compose file names, not the deck. */
type Kind = ObjectKind | 'variable' | 'function' | 'removed-when-stopped' | 'compose'

/** What exists while a demo's steps are read in order: name -> the line that made it. */
class Scope {
  private readonly objects = new Map<string, number>()

  has(kind: Kind, name: string): boolean {
    return this.objects.has(`${kind}:${name}`)
  }

  lineOf(kind: Kind, name: string): number | undefined {
    return this.objects.get(`${kind}:${name}`)
  }

  add(kind: Kind, name: string, line: number): void {
    this.objects.set(`${kind}:${name}`, line)
  }

  delete(kind: Kind, name: string): void {
    this.objects.delete(`${kind}:${name}`)
  }

  absorb(other: Scope): void {
    for (const [key, line] of other.objects) this.objects.set(key, line)
  }
}

/** Compose commands that make containers, networks and volumes the compose file names: after
 *  one, a name the check does not know may be one of them, and is not reported. */
const COMPOSE_CREATES = new Set(['up', 'create', 'run', 'start', 'scale'])

/** A program the deck uses that is not there to ask: why, and what to install. */
export interface MissingProgram {
  missing: string
}

/** Per program the deck's steps run: its spec, complete for them (docker-cli/cli-flags/cache.ts,
 *  or buildCliSpec over captured pages in tests), or why there is none. */
export type DeckClis = Partial<Record<DockerProgram, CliSpec | MissingProgram>>

/** Special parameters and positional ones: `$?`, `$#`, `$1`, `$@`... */
const SPECIAL_PARAMETER = /^(?:\d+|[?#@*$!_-])$/

export function checkDeck(deck: Deck, clis: DeckClis, facts: ShellFacts): DeckProblem[] {
  const problems: DeckProblem[] = [...deck.problems]
  if (typeof facts.bash !== 'string')
    problems.push({ loc: { file: deck.file, line: 1 }, message: facts.bash.missing })
  const scopes = new Map<string, Scope>()
  const seen = new Map<string, Demo>()

  for (const demo of deck.demos) {
    const earlier = seen.get(demo.id)
    if (earlier) {
      problems.push({ loc: demo.loc, message: `duplicate demo id "${demo.id}" (first used on line ${earlier.loc.line}); ids must be unique` })
      continue
    }
    seen.set(demo.id, demo)
    const scope = new Scope()
    for (const used of demo.uses) {
      const usedScope = scopes.get(used)
      if (!usedScope)
        problems.push({ loc: demo.loc, message: `demo "${demo.id}" uses "${used}", which is not an earlier demo in this deck` })
      else
        scope.absorb(usedScope)
    }
    for (const step of demo.steps)
      problems.push(...checkStep(step, demo, scope, clis, facts))
    scopes.set(demo.id, scope)
  }
  return problems.sort((a, b) => a.loc.line - b.loc.line || (a.loc.column ?? 0) - (b.loc.column ?? 0))
}

function checkStep(step: Step, demo: Demo, scope: Scope, clis: DeckClis, facts: ShellFacts): DeckProblem[] {
  const problems: DeckProblem[] = []
  // Shown on the slide and never run: it may be written for another machine or shell.
  if (step.options.shownOnly || !step.script)
    return problems
  const at = (position: { line: number, column: number } | undefined): SourceLocation => position ? deckLocation(step.loc, position) : step.loc
  if (step.target.kind === 'container') {
    const opener = demo.steps[step.target.opener - 1]
    const use = opener?.script ? lineTerminalUse(opener.script) : undefined
    if (opener && use && !use.enters)
      problems.push({ loc: step.loc, message: `"${step.prompt.trim()}" lines are typed into the program that line ${opener.loc.line} starts, but "${opener.command}" gives no program the terminal: enter a container first ("docker run -it", "docker exec -it", "docker attach")` })
    return problems
  }
  // A step that must fail may fail on purpose in the CLI or on a missing object; what it
  // makes still counts for later steps.
  const report = (loc: SourceLocation, message: string) => problems.push({ loc, message })
  const reportUnlessExpected = step.options.expectFail ? () => {} : report
  const script = step.script

  for (const bypass of bypassesIn(script, facts.engineSocket === undefined ? {} : { engineSocket: facts.engineSocket }))
    report(at(bypass.at), bypass.message)
  for (const name of script.sets)
    scope.add('variable', name, step.loc.line)
  for (const name of script.functions)
    scope.add('function', name, step.loc.line)
  for (const name of aliasesDefined(script))
    scope.add('function', name, step.loc.line)
  checkVariables(script, scope, facts, (position, message) => reportUnlessExpected(at(position), message))
  checkPrograms(script, scope, facts, (position, message) => reportUnlessExpected(at(position), message))

  for (const { program, argv, invocation } of dockerInvocations(script)) {
    const loc = at(invocation.program.at)
    const cli = clis[program] ?? { missing: `"${program}" was not asked about` }
    if ('missing' in cli) {
      report(loc, cli.missing)
      continue
    }
    const read = readDockerArgv(cli, argv, { operandsFollow: invocation.via.includes('xargs') })
    for (const message of read.problems)
      reportUnlessExpected(loc, message)
    if (!read.command)
      continue
    const command: CheckedCommand = { name: commandKey(read.command.path), flags: read.flags, operands: read.operands }
    const composeCommand = program === 'docker-compose' ? command.name : /^compose (.*)$/.exec(command.name)?.[1]
    if (composeCommand === undefined)
      checkReferences(command, step, scope, message => reportUnlessExpected(loc, message))
    else if (COMPOSE_CREATES.has(composeCommand))
      scope.add('compose', 'project', step.loc.line)
  }
  return problems
}

function checkVariables(script: ShellScript, scope: Scope, facts: ShellFacts, report: (at: { line: number, column: number }, message: string) => void): void {
  const reported = new Set<string>()
  for (const use of script.uses) {
    const { name } = use
    if (use.guarded || SPECIAL_PARAMETER.test(name) || facts.variables.has(name) || scope.has('variable', name) || reported.has(name))
      continue
    reported.add(name)
    report(use.at, `$${name} is not set: no earlier line of this demo (or of a demo it uses) sets it, and your environment does not have it. Set it in an earlier line (${name}=...), or write \${${name}:-default}`)
  }
}

/** Every program a line runs must be a builtin, a keyword, a function or alias of the deck, a
 *  path, or on PATH. What runs inside a container or on the Docker host is not looked at. */
function checkPrograms(script: ShellScript, scope: Scope, facts: ShellFacts, report: (at: { line: number, column: number }, message: string) => void): void {
  for (const command of script.commands) {
    for (const invocation of invocationsOf(command)) {
      const program = invocation.program.value
      if (program === undefined || program.includes('/') || program === HOST_PROGRAM)
        break
      if (dockerProgramOf(invocation))
        break // the CLI checks, with what to install
      if (!facts.builtins.has(program) && !scope.has('function', program) && !facts.onPath(program))
        report(invocation.program.at, `"${program}" is not on your PATH, nor a shell builtin or a function of this deck: install it, or fix the name`)
    }
  }
}

/** `alias ll='ls -l'`: names the deck's lines may run afterwards. */
function aliasesDefined(script: ShellScript): string[] {
  return script.commands
    .filter(command => command.words[0]?.value === 'alias')
    .flatMap(command => command.words.slice(1).map(word => word.value ?? word.text))
    .map(definition => /^([^=\s]+)=/.exec(definition)?.[1])
    .filter((name): name is string => name !== undefined)
}

/** The command lines (without the program's name) of the invocations that `program` runs: what
 *  it must be asked about before the check (docker-cli/cli-flags/cache.ts). */
export function commandLines(deck: Deck, program: DockerProgram): string[][] {
  const lines: string[][] = []
  for (const step of deck.demos.flatMap(demo => demo.steps)) {
    if (step.target.kind !== 'shell' || !step.script || step.options.shownOnly)
      continue
    for (const invocation of dockerInvocations(step.script)) {
      if (invocation.program === program)
        lines.push(invocation.argv)
    }
  }
  return lines
}

/** A word bash expands (`$CID`, `$(docker ps -q)`, `~/x`): what it names is not known here. */
function expands(name: string): boolean {
  return /[$`~]/.test(name)
}

function requireContainer(name: string, scope: Scope, report: (message: string) => void): void {
  if (expands(name) || scope.has('container', name) || scope.has('compose', 'project'))
    return
  report(`container "${name}" is not created by an earlier line of this demo (docker run --name ${name} ...), nor by a demo it uses`)
}

function requireNetwork(name: string, scope: Scope, report: (message: string) => void): void {
  if (expands(name) || (BUILTIN_NETWORKS as readonly string[]).includes(name) || name.startsWith('container:') || scope.has('network', name) || scope.has('compose', 'project'))
    return
  report(`network "${name}" is not created by an earlier line of this demo (docker network create ${name})`)
}

function requireVolume(name: string, scope: Scope, report: (message: string) => void): void {
  if (!expands(name) && !scope.has('volume', name) && !scope.has('compose', 'project'))
    report(`volume "${name}" is not created by an earlier line of this demo (docker volume create ${name})`)
}

const REQUIRE: Record<ObjectKind, typeof requireContainer> = {
  container: requireContainer,
  network: requireNetwork,
  volume: requireVolume,
}

/** Commands whose every operand names an object of one kind that must exist; `removes`: and
 *  is gone afterwards. */
const OPERANDS_NAME = new Map<string, { kind: ObjectKind, removes?: true }>([
  ['attach', { kind: 'container' }],
  ['pause', { kind: 'container' }],
  ['unpause', { kind: 'container' }],
  ['wait', { kind: 'container' }],
  ['stats', { kind: 'container' }],
  ['diff', { kind: 'container' }],
  ['logs', { kind: 'container' }],
  ['start', { kind: 'container' }],
  ['stop', { kind: 'container' }],
  ['restart', { kind: 'container' }],
  ['kill', { kind: 'container' }],
  ['container inspect', { kind: 'container' }],
  ['rm', { kind: 'container', removes: true }],
  ['network inspect', { kind: 'network' }],
  ['network rm', { kind: 'network', removes: true }],
  ['volume inspect', { kind: 'volume' }],
  ['volume rm', { kind: 'volume', removes: true }],
  ['update', { kind: 'container' }],
  ['export', { kind: 'container' }],
])

/** Commands whose first operand names a container; the rest is something else. */
const FIRST_OPERAND_CONTAINER = new Set(['top', 'port', 'commit', 'exec'])

function checkReferences(command: CheckedCommand, step: Step, scope: Scope, report: (message: string) => void): void {
  const line = step.loc.line
  const ops = command.operands
  const named = OPERANDS_NAME.get(command.name)
  if (named) {
    for (const name of ops) {
      REQUIRE[named.kind](name, scope, report)
      if (named.removes)
        scope.delete(named.kind, name)
    }
  }
  if (FIRST_OPERAND_CONTAINER.has(command.name) && ops[0] !== undefined)
    requireContainer(ops[0], scope, report)
  switch (command.name) {
    case 'cp':
      // `docker cp co1:/etc/hosts .`: a colon in the first path segment names a container.
      for (const operand of ops) {
        const container = /^([^/.~][^:/]*):/.exec(operand)?.[1]
        if (container)
          requireContainer(container, scope, report)
      }
      break
    case 'run': case 'create': {
      for (const network of flagValues(command, '--network')) requireNetwork(network, scope, report)
      for (const source of flagValues(command, '--volumes-from')) requireContainer(source.split(':')[0], scope, report)
      try {
        const mounts = [...flagValues(command, '--mount').map(parseMountFlag), ...flagValues(command, '--volume').map(parseVolumeFlag)]
        for (const mount of mounts) {
          if (mount.type === 'volume' && mount.source && !expands(mount.source))
            scope.add('volume', mount.source, line)
        }
      }
      catch (error) {
        report((error as Error).message)
      }
      // --rm removes a container once it stops: a foreground one when its line ends; a
      // detached one, or one a terminal entered (the container lines after it run there), later.
      const removedWhenStopped = flagValues(command, '--rm').length > 0
      const outlivesStep = !removedWhenStopped || flagValues(command, '--detach').length > 0 || command.name === 'create' || step.opensTerminal === true
      const name = flagValues(command, '--name').at(-1)
      if (name && !expands(name) && outlivesStep) {
        const madeOn = scope.lineOf('container', name)
        if (madeOn !== undefined)
          report(`container name "${name}" is already used by line ${madeOn}; remove it first (docker rm -f ${name})`)
        scope.add('container', name, line)
        if (removedWhenStopped)
          scope.add('removed-when-stopped', name, line)
      }
      break
    }
    case 'stop': case 'kill':
      for (const name of ops) {
        if (scope.has('removed-when-stopped', name)) {
          scope.delete('container', name)
          scope.delete('removed-when-stopped', name)
        }
      }
      break
    case 'network create':
      if (ops[0] === undefined || expands(ops[0]))
        break // its arity was reported
      if (scope.has('network', ops[0]))
        report(`network "${ops[0]}" already exists (line ${scope.lineOf('network', ops[0])})`)
      scope.add('network', ops[0], line)
      break
    case 'network connect': case 'network disconnect':
      if (ops[0] !== undefined)
        requireNetwork(ops[0], scope, report)
      if (ops[1] !== undefined)
        requireContainer(ops[1], scope, report)
      break
    case 'volume create':
      if (ops[0] && !expands(ops[0]))
        scope.add('volume', ops[0], line)
      break
    case 'rename':
      if (ops[0] !== undefined && ops[1] !== undefined) {
        requireContainer(ops[0], scope, report)
        scope.delete('container', ops[0])
        scope.add('container', ops[1], line)
      }
      break
  }
}

