/**
 * The deck check: everything `npm run check` reports, found without an engine. It reads each
 * docker step against the spec of the program that will run it (docker-cli/cli-flags/), so an
 * unknown subcommand or flag, a missing value, a broken quote or a dangling reference is caught
 * before the talk, every one on a line. Pure.
 */
import type { Deck, DeckProblem, Demo, Step } from './model.ts'
import type { CliSpec } from '../docker-cli/cli-flags/cli-spec.ts'
import type { DockerProgram } from '../docker-cli/programs.ts'
import { bypassProblems, commandParts } from '../docker-cli/programs.ts'
import type { ReadCommand } from '../docker-cli/cli-flags/read-argv.ts'
import { readDockerArgv } from '../docker-cli/cli-flags/read-argv.ts'
import { parseMountFlag, parseVolumeFlag } from '../docker-cli/mounts.ts'
import { AS_WRITTEN, checkQuotes, tokenize, TokenizeError } from '../docker-cli/tokenize.ts'
import { commandKey, isMadeByStepRef } from './steps.ts'

/** Networks every engine has: never created by a demo, never removed by one. */
export const BUILTIN_NETWORKS = ['bridge', 'host', 'none'] as const

/** A docker step as the check reads it: the command (`container` spelling folded, see
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
type Kind = ObjectKind | 'variable' | 'removed-when-stopped' | 'compose'

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

export function checkDeck(deck: Deck, clis: DeckClis): DeckProblem[] {
  const problems: DeckProblem[] = [...deck.problems]
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
      problems.push(...checkStep(step, scope, clis))
    scopes.set(demo.id, scope)
  }
  return problems.sort((a, b) => a.loc.line - b.loc.line)
}

function checkStep(step: Step, scope: Scope, clis: DeckClis): DeckProblem[] {
  const problems: DeckProblem[] = []
  // Shown on the slide and never run: it may be written for another machine or CLI.
  if (step.options.shownOnly)
    return problems
  const report = (message: string) => problems.push({ loc: step.loc, message })
  // A step that must fail may fail on purpose in the CLI or on a missing object; what it
  // makes still counts for later steps. Its quotes must still be whole: it has to run.
  const reportUnlessExpected = step.options.expectFail ? () => {} : report

  if (step.target.kind !== 'docker') {
    try {
      checkQuotes(step.command)
    }
    catch (error) {
      report((error as Error).message)
    }
    if (step.target.kind === 'host') {
      for (const name of hostVariables(step.command)) {
        if (!scope.has('variable', name))
          report(unsetVariable(name))
      }
    }
    if (step.target.kind === 'container') {
      const container = step.target.container
      if (container.startsWith('$') && !scope.has('variable', container.slice(1)))
        report(`${container} is not set by an earlier step of this demo`)
      else
        requireContainer(container, scope, report)
    }
    return problems
  }

  const missingVariables: string[] = []
  let argv: string[]
  try {
    argv = tokenize(step.command, {
      variable: (name) => {
        if (!scope.has('variable', name))
          missingVariables.push(name)
        return `$${name}`
      },
      pwd: AS_WRITTEN.pwd,
    })
  }
  catch (error) {
    if (error instanceof TokenizeError) {
      report(error.message)
      return problems
    }
    throw error
  }
  for (const name of missingVariables)
    report(unsetVariable(name))

  const { program } = step.target
  const parts = commandParts(argv)
  bypassProblems(program, parts).forEach(report)
  const cli = clis[program] ?? { missing: `"${program}" was not asked about` }
  if ('missing' in cli) {
    report(cli.missing)
    return problems
  }
  const read: ReadCommand = readDockerArgv(cli, parts.args)
  for (const message of read.problems)
    reportUnlessExpected(message)
  if (!read.command)
    return problems
  const command: CheckedCommand = { name: commandKey(read.command.path), flags: read.flags, operands: read.operands }
  const composeCommand = program === 'docker-compose' ? command.name : /^compose (.*)$/.exec(command.name)?.[1]
  if (composeCommand === undefined)
    checkReferences(command, step, scope, reportUnlessExpected)
  else if (COMPOSE_CREATES.has(composeCommand))
    scope.add('compose', 'project', step.loc.line)
  return problems
}

/** The command lines (without the program's name) of the steps that `program` runs: what it
 *  must be asked about before the check (docker-cli/cli-flags/cache.ts). */
export function commandLines(deck: Deck, program: DockerProgram): string[][] {
  const lines: string[][] = []
  for (const step of deck.demos.flatMap(demo => demo.steps)) {
    if (step.target.kind !== 'docker' || step.target.program !== program || step.options.shownOnly)
      continue
    try {
      lines.push(commandParts(tokenize(step.command, AS_WRITTEN)).args)
    }
    catch {
      // The check reports the line; there is nothing to ask the CLI about.
    }
  }
  return lines
}

function unsetVariable(name: string): string {
  return `$${name} is not set by an earlier step of this demo (write ${name}=$(docker ...) first)`
}

function requireContainer(name: string, scope: Scope, report: (message: string) => void): void {
  // `$VAR` names were checked when the line was tokenized.
  if (isMadeByStepRef(name) || name.startsWith('$') || scope.has('container', name) || scope.has('compose', 'project'))
    return
  report(`container "${name}" is not created by an earlier step of this demo (docker run --name ${name} ...), nor by a demo it uses`)
}

function requireNetwork(name: string, scope: Scope, report: (message: string) => void): void {
  if ((BUILTIN_NETWORKS as readonly string[]).includes(name) || name.startsWith('container:') || scope.has('network', name) || scope.has('compose', 'project'))
    return
  report(`network "${name}" is not created by an earlier step of this demo (docker network create ${name})`)
}

function requireVolume(name: string, scope: Scope, report: (message: string) => void): void {
  if (!scope.has('volume', name) && !scope.has('compose', 'project'))
    report(`volume "${name}" is not created by an earlier step of this demo (docker volume create ${name})`)
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
          if (mount.type === 'volume' && mount.source)
            scope.add('volume', mount.source, line)
        }
      }
      catch (error) {
        report((error as Error).message)
      }
      // --rm removes a container once it stops: a foreground one when its step ends; a
      // detached one, or one a terminal entered (the "/ #" steps after it run there), later.
      const removedWhenStopped = flagValues(command, '--rm').length > 0
      const outlivesStep = !removedWhenStopped || flagValues(command, '--detach').length > 0 || command.name === 'create' || step.entersContainer !== undefined
      const name = flagValues(command, '--name').at(-1)
      if (name && outlivesStep) {
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
      if (ops[0] === undefined)
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
      if (ops[0])
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
  if (step.capture)
    scope.add('variable', step.capture, line)
  if (step.capture && (command.name === 'run' || command.name === 'create'))
    scope.add('container', `$${step.capture}`, line)
}

/** Variables of the host shell that a host step may use without a demo setting them. */
const HOST_SHELL_VARIABLES = new Set(['HOME', 'PATH', 'PWD', 'USER', 'SHELL', 'HOSTNAME'])

/** `$NAME` / `${NAME}` outside single quotes in a host step: the server passes the demo's
 *  captured values to the host shell, so an upper-case name it lacks is a dangling reference. */
export function hostVariables(command: string): string[] {
  const names: string[] = []
  const unquoted = command.replace(/'[^']*'/g, '')
  const setHere = assignedIn(unquoted)
  for (const [, braced, bare] of unquoted.matchAll(/\$(?:\{([A-Z_][A-Z0-9_]*)\}|([A-Z_][A-Z0-9_]*))/g)) {
    const name = braced ?? bare
    if (!HOST_SHELL_VARIABLES.has(name) && !setHere.has(name) && !names.includes(name))
      names.push(name)
  }
  return names
}

/** Names the host step's own shell sets: `X=1`, `export X=1`, `for X in ...`, `read X Y`. */
function assignedIn(command: string): Set<string> {
  const names = new Set<string>()
  for (const [, name] of command.matchAll(/(?:^|[\s;&|(])(?:(?:export|local|readonly)\s+)?([A-Za-z_]\w*)=/g))
    names.add(name)
  for (const [, name] of command.matchAll(/\bfor\s+([A-Za-z_]\w*)\s+in\b/g))
    names.add(name)
  for (const [, list] of command.matchAll(/\bread\s+(?:-\w+\s+)*((?:[A-Za-z_]\w*\s*)+)/g))
    list.trim().split(/\s+/).forEach(name => names.add(name))
  return names
}
