/**
 * The line grammar inside a demo's code fence (docs/demo-format.md): one line, one step; the
 * prompt says where it runs; a trailing comment may hold step settings. Pure.
 */
import type { DeckProblem, SourceLocation, Step, StepOptions, StepTarget } from './model.ts'
import type { CliSpec, CliSpecs } from '../docker-cli/cli-flags/cli-spec.ts'
import { FALLBACK_SPECS } from '../docker-cli/cli-flags/fallback-spec.ts'
import type { DockerProgram } from '../docker-cli/programs.ts'
import { ASSIGNMENT, commandParts, programOf } from '../docker-cli/programs.ts'
import { readDockerArgv } from '../docker-cli/cli-flags/read-argv.ts'
import { AS_WRITTEN, tokenize } from '../docker-cli/tokenize.ts'

export interface SourceLine {
  text: string
  loc: SourceLocation
}

const HOST_PROMPT = /^host\$\s+(.*)$/
const CONTAINER_PROMPT = /^([~/][^\s#]*) # (.*)$/

/** `[NAME=value ...] docker ...` or `docker-compose ...`: what a docker step runs. */
const DOCKER_LINE = String.raw`(?:${ASSIGNMENT}\s+)*(?:docker|docker-compose)\s.*`
const CAPTURE = new RegExp(String.raw`^([A-Za-z_]\w*)=\$\((${DOCKER_LINE})\)$`)
const DOCKER = new RegExp(String.raw`^(?:\$\s+)?(${DOCKER_LINE})$`)

const SETTINGS = ['expect-fail', 'timeout', 'online', 'shown-only'] as const

/** The container a `/ #` line runs in: a name, `$VAR`, or `step:N` for the unnamed container
 *  that step N of the same demo created. */
export function anonymousContainerRef(stepIndex: number): string {
  return `step:${stepIndex}`
}

/** Joins `\` continuations; the joined line keeps the location of its first line. */
export function joinContinuations(lines: SourceLine[]): SourceLine[] {
  const joined: SourceLine[] = []
  let pending: SourceLine | undefined
  for (const line of lines) {
    const text = pending ? `${pending.text} ${line.text.trim()}` : line.text
    const loc = pending ? pending.loc : line.loc
    if (/\\\s*$/.test(text)) {
      pending = { text: text.replace(/\\\s*$/, '').trimEnd(), loc }
      continue
    }
    pending = undefined
    joined.push({ text, loc })
  }
  if (pending)
    joined.push(pending)
  return joined
}

/** Splits `command  # comment` at the first `#` outside quotes that follows whitespace. */
export function splitTrailingComment(text: string): { code: string, comment?: string } {
  let quote: string | null = null
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quote) {
      if (ch === '\\' && quote === '"')
        i += 1
      else if (ch === quote)
        quote = null
    }
    else if (ch === '\'' || ch === '"') {
      quote = ch
    }
    else if (ch === '\\') {
      i += 1
    }
    else if (ch === '#' && i > 0 && /\s/.test(text[i - 1])) {
      return { code: text.slice(0, i).trimEnd(), comment: text.slice(i + 1).trim() }
    }
  }
  return { code: text.trimEnd() }
}

/** Reads `expect-fail: TEXT; timeout: 30s; online` — or returns undefined for narration. */
export function parseSettings(comment: string): { options: StepOptions, errors: string[] } | undefined {
  const items = comment.split(';').map(s => s.trim()).filter(Boolean)
  const keyOf = (item: string) => item.split(':')[0].trim()
  if (items.length === 0 || !(SETTINGS as readonly string[]).includes(keyOf(items[0])))
    return undefined
  const options: StepOptions = {}
  const errors: string[] = []
  for (const item of items) {
    const colon = item.indexOf(':')
    const key = keyOf(item)
    const value = colon === -1 ? undefined : item.slice(colon + 1).trim()
    switch (key) {
      case 'expect-fail':
        options.expectFail = value ? value : true
        break
      case 'online':
        options.online = true
        break
      case 'shown-only':
        if (!value)
          errors.push('"shown-only" needs a reason the slide can show, e.g. "# shown-only: Mac only"')
        options.shownOnly = value || 'shown only'
        break
      case 'timeout': {
        const ms = parseDuration(value ?? '')
        if (ms === undefined)
          errors.push(`"timeout" needs a duration like 30s, 500ms or 5m, got "${value ?? ''}"`)
        else
          options.timeoutMs = ms
        break
      }
      default:
        errors.push(`unknown step setting "${key}" (known: ${SETTINGS.join(', ')})`)
    }
  }
  return { options, errors }
}

export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(text.trim())
  if (!match)
    return undefined
  const factor = { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm']
  return Math.round(Number(match[1]) * factor)
}


/** The command a docker line runs, with `docker container X` spelled `docker X` (they are the
 *  same command) and aliases resolved: "run", "network create", "ps"... */
export function commandKey(path: readonly string[]): string {
  return (path[0] === 'container' && path.length === 2 && path[1] !== 'inspect' ? path.slice(1) : path).join(' ')
}

/** The container a docker step opens a terminal in, or undefined. Read against `cli`, the
 *  spec of the program that will run it, or the fallback that knows only the terminal commands.
 *  Compose's `exec SERVICE` and `run SERVICE` enter a container of that service, unless `-d`
 *  or `-T` (no terminal). */
export function enteredContainer(command: string, capture: string | undefined, stepIndex: number, cli?: CliSpec): string | undefined {
  const program = programOf(command)
  if (!program)
    return undefined
  const spec = cli ?? FALLBACK_SPECS[program]
  let argv: string[]
  try {
    argv = commandParts(tokenize(command, AS_WRITTEN)).args
  }
  catch {
    return undefined // the deck check reports it
  }
  const read = readDockerArgv(spec, argv, { lenient: spec === FALLBACK_SPECS[program] })
  if (!read.command)
    return undefined
  const has = (flag: string) => read.flags.get(flag)?.at(-1) !== undefined && read.flags.get(flag)?.at(-1) !== 'false'
  if (program === 'docker-compose') {
    const service = read.operands[0]
    const terminal = ['exec', 'run'].includes(read.command.path.join(' ')) && !has('--detach') && !has('-T')
    return terminal && service !== undefined ? composeContainerRef(service) : undefined
  }
  const interactive = has('--interactive') && has('--tty')
  switch (commandKey(read.command.path)) {
    case 'run':
      if (!interactive || has('--detach'))
        return undefined
      return read.flags.get('--name')?.at(-1) ?? (capture ? `$${capture}` : anonymousContainerRef(stepIndex))
    case 'exec':
      return interactive ? read.operands[0] : undefined
    case 'attach':
      return read.operands[0]
    case 'start':
      return has('--attach') && has('--interactive') ? read.operands[0] : undefined
    default:
      return undefined
  }
}

/** The container a compose `exec`/`run` step entered: compose names it, the deck names the
 *  service. */
export function composeContainerRef(service: string): string {
  return `service:${service}`
}

/** A container the deck names by the step or service that made it, not by a name of its own:
 *  it exists if that step ran. */
export function isMadeByStepRef(container: string): boolean {
  return /^(?:step|service):/.test(container)
}

export interface StepsResult {
  steps: Step[]
  problems: DeckProblem[]
}

/** Reads the lines of one demo's fences into ordered steps. */
export function parseSteps(demoId: string, lines: SourceLine[], clis: CliSpecs = {}): StepsResult {
  const steps: Step[] = []
  const problems: DeckProblem[] = []
  let current: string | undefined
  for (const { text, loc } of joinContinuations(lines)) {
    const trimmed = text.trim()
    if (trimmed === '' || trimmed.startsWith('#'))
      continue
    // The container prompt's own "#" is not a comment.
    const containerPrompt = CONTAINER_PROMPT.exec(trimmed)
    const promptText = containerPrompt ? `${containerPrompt[1]} # ` : ''
    const { code: rest, comment } = splitTrailingComment(containerPrompt ? containerPrompt[2] : trimmed)
    const code = promptText + rest
    let options: StepOptions = {}
    if (comment !== undefined) {
      const settings = parseSettings(comment)
      if (settings) {
        options = settings.options
        for (const message of settings.errors)
          problems.push({ loc, message })
      }
    }
    const index = steps.length + 1
    const base = { id: `${demoId}#${index}`, index, options, loc }
    let match: RegExpExecArray | null
    if ((match = HOST_PROMPT.exec(code))) {
      current = undefined
      steps.push({ ...base, target: { kind: 'host' }, command: match[1].replace(/^sudo\s+/, ''), prompt: 'host$ ' })
    }
    else if ((match = CONTAINER_PROMPT.exec(code))) {
      if (!current) {
        problems.push({ loc, message: `"${match[1]} #" runs inside a container, but no earlier step entered one: add "docker run -it", "docker exec -it" or "docker container attach" before it` })
        continue
      }
      const target: StepTarget = { kind: 'container', container: current }
      steps.push({ ...base, target, command: match[2].trim(), prompt: `${match[1]} # ` })
      // The shell ends: a "/ #" line after it has no shell to go to.
      if (/^exit(?:\s+\d+)?$/.test(match[2].trim()))
        current = undefined
    }
    else if ((match = CAPTURE.exec(code)) || (match = DOCKER.exec(code))) {
      const capture = match.length === 3 ? match[1] : undefined
      const command = (capture ? match[2] : match[1]).trim()
      const program = programOf(command) as DockerProgram // both patterns start with one
      const entersContainer = enteredContainer(command, capture, index, clis[program])
      current = entersContainer
      steps.push({ ...base, target: { kind: 'docker', program }, command, prompt: '$ ', capture, ...(entersContainer !== undefined ? { entersContainer } : {}) })
    }
    else if (options.shownOnly) {
      // Never run, so it may be any command (e.g. one for the presenter's own Mac).
      steps.push({ ...base, target: { kind: 'host' }, command: code, prompt: '$ ' })
    }
    else {
      problems.push({ loc, message: `cannot tell where "${code}" runs: start a step with "docker", "NAME=$(docker ...)", "host$ " or a container prompt like "/ # "` })
    }
  }
  return { steps, problems }
}
