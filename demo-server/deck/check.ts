/**
 * The deck check: everything `npm run check` reports, found without an engine. It parses each
 * docker step with the same table the server runs from, so a flag the server cannot run, a
 * broken quote or a dangling reference is caught before the talk. Pure.
 */
import type { Deck, DeckProblem, Demo, Step } from './model.ts'
import { BUILTIN_NETWORKS } from '../docker-cli/commands.ts'
import type { ParsedCommand } from '../docker-cli/parse-argv.ts'
import { CommandLineError, flagValues, parseDockerArgv } from '../docker-cli/parse-argv.ts'
import { parseMountFlag, parseVolumeFlag } from '../docker-cli/mounts.ts'
import { checkQuotes, tokenize, TokenizeError } from '../docker-cli/tokenize.ts'

type ObjectKind = 'container' | 'network' | 'volume'
/** `removed-when-stopped`: a container started with --rm that outlives its step. */
type Kind = ObjectKind | 'variable' | 'removed-when-stopped'

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

const PLACEHOLDER_PWD = '/$(pwd)'

export function checkDeck(deck: Deck): DeckProblem[] {
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
      problems.push(...checkStep(step, scope))
    scopes.set(demo.id, scope)
  }
  return problems.sort((a, b) => a.loc.line - b.loc.line)
}

function checkStep(step: Step, scope: Scope): DeckProblem[] {
  const problems: DeckProblem[] = []
  const report = (message: string) => problems.push({ loc: step.loc, message })

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
      pwd: () => PLACEHOLDER_PWD,
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

  let command: ParsedCommand
  try {
    command = parseDockerArgv(argv.slice(1))
  }
  catch (error) {
    if (error instanceof CommandLineError) {
      report(error.message)
      return problems
    }
    throw error
  }
  if (step.options.shownOnly)
    return problems // shown, never run: its objects do not exist for later steps
  checkReferences(command, step, scope, report)
  return problems
}

function unsetVariable(name: string): string {
  return `$${name} is not set by an earlier step of this demo (write ${name}=$(docker ...) first)`
}

function requireContainer(name: string, scope: Scope, report: (message: string) => void): void {
  // `$VAR` names were checked when the line was tokenized.
  if (name.startsWith('step:') || name.startsWith('$') || scope.has('container', name))
    return
  report(`container "${name}" is not created by an earlier step of this demo (docker run --name ${name} ...), nor by a demo it uses`)
}

function requireNetwork(name: string, scope: Scope, report: (message: string) => void): void {
  if ((BUILTIN_NETWORKS as readonly string[]).includes(name) || name.startsWith('container:') || scope.has('network', name))
    return
  report(`network "${name}" is not created by an earlier step of this demo (docker network create ${name})`)
}

function requireVolume(name: string, scope: Scope, report: (message: string) => void): void {
  if (!scope.has('volume', name))
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
])

function checkReferences(command: ParsedCommand, step: Step, scope: Scope, report: (message: string) => void): void {
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
  switch (command.name) {
    case 'run': {
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
      const removedWhenStopped = command.flags.has('--rm')
      const outlivesStep = !removedWhenStopped || command.flags.has('--detach') || step.entersContainer !== undefined
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
    case 'exec':
      requireContainer(ops[0], scope, report)
      break
    case 'network create':
      if (scope.has('network', ops[0]))
        report(`network "${ops[0]}" already exists (line ${scope.lineOf('network', ops[0])})`)
      scope.add('network', ops[0], line)
      break
    case 'network connect': case 'network disconnect':
      requireNetwork(ops[0], scope, report)
      requireContainer(ops[1], scope, report)
      break
    case 'volume create':
      if (ops[0])
        scope.add('volume', ops[0], line)
      break
  }
  if (step.capture)
    scope.add('variable', step.capture, line)
  if (step.capture && command.name === 'run')
    scope.add('container', `$${step.capture}`, line)
}

/** Variables of the host shell that a host step may use without a demo setting them. */
const HOST_SHELL_VARIABLES = new Set(['HOME', 'PATH', 'PWD', 'USER', 'SHELL', 'HOSTNAME'])

/** `$NAME` / `${NAME}` outside single quotes in a host step: the server passes the demo's
 *  captured values to the host shell, so an upper-case name it lacks is a dangling reference. */
export function hostVariables(command: string): string[] {
  const names: string[] = []
  const unquoted = command.replace(/'[^']*'/g, '')
  for (const [, braced, bare] of unquoted.matchAll(/\$(?:\{([A-Z_][A-Z0-9_]*)\}|([A-Z_][A-Z0-9_]*))/g)) {
    const name = braced ?? bare
    if (!HOST_SHELL_VARIABLES.has(name) && !names.includes(name))
      names.push(name)
  }
  return names
}
