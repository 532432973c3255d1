/**
 * The lines inside a demo's code fence (docs/demo-format.md), read into steps. A demo is lines
 * of a shell: each line is a step, typed into the demo's bash; a line that bash would not end
 * there (a `\` continuation, a heredoc, a loop or quote that spans lines) takes the lines that
 * complete it. A line that starts with a container prompt (`/ # `) is typed into the program the
 * step before it started. Lines starting with `#` are narration; a trailing comment may hold
 * step settings. Every line is read once, by the shell parser (shell/syntax.ts). Pure.
 */
import type { DeckProblem, SourceLocation, Step, StepOptions } from './model.ts'
import type { CliSpec, CliSpecs } from '../docker-cli/cli-flags/cli-spec.ts'
import { FALLBACK_SPECS } from '../docker-cli/cli-flags/fallback-spec.ts'
import { readDockerArgv } from '../docker-cli/cli-flags/read-argv.ts'
import type { DockerProgram } from '../docker-cli/programs.ts'
import { DOCKER_PROGRAMS } from '../docker-cli/programs.ts'
import type { Invocation } from '../shell/invocations.ts'
import { baseName, invocationsOf } from '../shell/invocations.ts'
import type { ShellComment, ShellDialect, ShellPosition, ShellScript } from '../shell/syntax.ts'
import { parseShell } from '../shell/syntax.ts'

export interface SourceLine {
  text: string
  loc: SourceLocation
}

/** `/ # `, `~ # `, `/app # `: a container shell's prompt, as the deck writes it. */
const CONTAINER_PROMPT = /^([~/][^\s#]*) # (.*)$/
/** A shell line may be written with the prompt our shell shows: `$ docker ps`. */
const SHELL_PROMPT = /^\$ +/
/** The prompt of the demo's shell (shell/rc.ts sets PS1 to it). */
export const SHELL_PROMPT_TEXT = '$ '

const SETTINGS = ['expect-fail', 'timeout', 'online', 'shown-only'] as const
/** A settings comment found without the parser, for a line that does not parse: a shown-only
 *  line may be written for another shell. */
const SETTINGS_COMMENT = new RegExp(String.raw`\s#\s*((?:${SETTINGS.join('|')})\b.*)$`)

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

/** `docker` or `docker-compose` when the invocation runs one of them (`/usr/bin/docker` too). */
export function dockerProgramOf(invocation: Invocation): DockerProgram | undefined {
  const name = invocation.program.value === undefined ? undefined : baseName(invocation.program.value)
  return (DOCKER_PROGRAMS as readonly (string | undefined)[]).includes(name) ? name as DockerProgram : undefined
}

/** Every docker and docker-compose invocation of a line, wherever it sits (pipelines, lists,
 *  loops, `$(...)`, `xargs docker ...`), with its arguments as bash passes them: a word with an
 *  expansion keeps its text (`$CID`). */
export function dockerInvocations(script: ShellScript): Array<{ program: DockerProgram, argv: string[], invocation: Invocation }> {
  const found: Array<{ program: DockerProgram, argv: string[], invocation: Invocation }> = []
  for (const command of script.commands) {
    for (const invocation of invocationsOf(command)) {
      const program = dockerProgramOf(invocation)
      if (program)
        found.push({ program, argv: invocation.args.map(arg => arg.value ?? arg.text), invocation })
    }
  }
  return found
}

/** How a docker invocation uses the terminal: `enters` when it hands it to a program in a
 *  container (`run -it`, `exec -it`, `start -ai`, `attach`, compose `exec`/`run` without -T or
 *  -d), `attaches` for `attach` (which draws no prompt of its own). Read against `cli`, or the
 *  fallback that knows the terminal commands' boolean flags. */
export function terminalUse(program: DockerProgram, argv: readonly string[], cli?: CliSpec): { enters: boolean, attaches: boolean } {
  const spec = cli ?? FALLBACK_SPECS[program]
  const read = readDockerArgv(spec, argv, { lenient: spec === FALLBACK_SPECS[program] })
  const none = { enters: false, attaches: false }
  if (!read.command)
    return none
  const has = (flag: string) => read.flags.get(flag)?.at(-1) !== undefined && read.flags.get(flag)?.at(-1) !== 'false'
  if (program === 'docker-compose')
    return { enters: ['exec', 'run'].includes(read.command.path.join(' ')) && !has('--detach') && !has('-T'), attaches: false }
  const interactive = has('--interactive') && has('--tty')
  switch (commandKey(read.command.path)) {
    case 'run':
      return { enters: interactive && !has('--detach'), attaches: false }
    case 'exec':
      return { enters: interactive, attaches: false }
    case 'attach':
      return { enters: true, attaches: true }
    case 'start':
      return { enters: has('--attach') && has('--interactive'), attaches: false }
    default:
      return none
  }
}

/** What the last command of a line does with the terminal; undefined when it is not docker's
 *  (`ssh`, `python3`: the deck says so by the container lines after it). */
export function lineTerminalUse(script: ShellScript, clis: CliSpecs = {}): { enters: boolean, attaches: boolean } | undefined {
  const last = script.commands.at(-1)
  const invocation = last && invocationsOf(last).at(-1)
  const program = invocation && dockerProgramOf(invocation)
  if (!invocation || !program)
    return undefined
  return terminalUse(program, invocation.args.map(arg => arg.value ?? arg.text), clis[program])
}

/** Where a position in a step's text is in the deck: its first line starts at loc.column. */
export function deckLocation(loc: SourceLocation, at: ShellPosition): SourceLocation {
  return { file: loc.file, line: loc.line + at.line - 1, column: at.line === 1 ? (loc.column ?? 1) + at.column - 1 : at.column }
}

export interface StepsResult {
  steps: Step[]
  problems: DeckProblem[]
}

interface Pending {
  kind: 'shell' | 'container'
  prompt: string
  lines: string[]
  loc: SourceLocation
}

/** Reads the lines of one demo's fences into ordered steps. `clis`: the specs of the programs
 *  that will run them, to tell which line enters a container (a fallback knows the usual flags). */
export function parseSteps(demoId: string, lines: SourceLine[], clis: CliSpecs = {}): StepsResult {
  const steps: Step[] = []
  const problems: DeckProblem[] = []
  let pending: Pending | undefined

  const finish = (force: boolean): boolean => {
    const read = readStep(pending!, force)
    if (!read)
      return false
    const index = steps.length + 1
    steps.push({ id: `${demoId}#${index}`, index, ...read.step })
    problems.push(...read.problems)
    pending = undefined
    return true
  }

  for (const { text, loc } of lines) {
    if (pending) {
      pending.lines.push(text)
      finish(false)
      continue
    }
    const trimmed = text.trim()
    if (trimmed === '' || trimmed.startsWith('#'))
      continue
    const indent = text.length - text.trimStart().length
    const container = CONTAINER_PROMPT.exec(trimmed)
    if (container) {
      const prompt = `${container[1]} # `
      pending = { kind: 'container', prompt, lines: [container[2]], loc: { ...loc, column: indent + prompt.length + 1 } }
    }
    else {
      const prompt = SHELL_PROMPT.exec(trimmed)?.[0] ?? ''
      pending = { kind: 'shell', prompt: SHELL_PROMPT_TEXT, lines: [trimmed.slice(prompt.length)], loc: { ...loc, column: indent + prompt.length + 1 } }
    }
    finish(false)
  }
  if (pending)
    finish(true)
  linkContainerLines(steps, problems, clis)
  return { steps, problems }
}

/** A step from its lines, or undefined when bash would read on (unless `force`: the fence
 *  ended). */
function readStep(pending: Pending, force: boolean): { step: Omit<Step, 'id' | 'index'>, problems: DeckProblem[] } | undefined {
  const text = pending.lines.join('\n')
  const dialect: ShellDialect = pending.kind === 'shell' ? 'bash' : 'posix'
  // A trailing backslash continues the line; the parser alone would read it as an escaped end.
  if (!force && /(?:^|[^\\])(?:\\\\)*\\$/.test(text))
    return undefined
  // A heredoc ends at a line of its own: the line end after the last one closes it.
  const parsed = parseShell(`${text}\n`, dialect)
  if (!parsed.ok && parsed.error.incomplete && !force)
    return undefined
  const problems: DeckProblem[] = []
  const { loc } = pending
  let command = text
  let options: StepOptions = {}
  const applySettings = (comment: string) => {
    const settings = parseSettings(comment)
    if (!settings)
      return false
    options = { ...options, ...settings.options }
    for (const message of settings.errors)
      problems.push({ loc, message })
    return true
  }
  if (parsed.ok) {
    // Settings comments are the tool's, not typed; removed from the last one back, so that
    // earlier offsets stay right.
    const settings = parsed.script.comments.filter(comment => applySettings(comment.text))
    for (const comment of [...settings].reverse())
      command = withoutComment(command, comment)
  }
  else {
    const found = SETTINGS_COMMENT.exec(pending.lines[0])
    if (found && applySettings(found[1]))
      command = [pending.lines[0].slice(0, found.index), ...pending.lines.slice(1)].join('\n')
  }
  const step: Omit<Step, 'id' | 'index'> = {
    target: pending.kind === 'shell' ? { kind: 'shell' } : { kind: 'container', opener: 0 },
    command: command.trimEnd(),
    prompt: pending.prompt,
    options,
    loc,
  }
  if (parsed.ok) {
    step.script = parsed.script
  }
  else {
    step.syntaxError = parsed.error
    if (!options.shownOnly)
      problems.push({ loc: deckLocation(loc, parsed.error.at), message: parsed.error.message })
  }
  return { step, problems }
}

function withoutComment(text: string, comment: ShellComment): string {
  const lineEnd = text.indexOf('\n', comment.offset)
  const before = text.slice(0, comment.offset).replace(/[ \t]+$/, '')
  return lineEnd === -1 ? before : before + text.slice(lineEnd)
}

/** Container lines go to the program the shell line before them started; `exit` ends it. A
 *  line that statically enters a container opens a terminal even with no container lines after
 *  it (the demo ends inside, or the presenter types there). */
function linkContainerLines(steps: Step[], problems: DeckProblem[], clis: CliSpecs): void {
  let opener: Step | undefined
  for (const step of steps) {
    if (step.target.kind === 'shell') {
      opener = step
      const use = step.script && !step.options.shownOnly ? lineTerminalUse(step.script, clis) : undefined
      if (use?.enters)
        step.opensTerminal = true
      if (use?.attaches)
        step.attaches = true
      continue
    }
    if (!opener) {
      problems.push({ loc: step.loc, message: `"${step.prompt.trim()}" runs inside a container, but no earlier line of this demo entered one: add "docker run -it", "docker exec -it" or "docker attach" before it` })
    }
    else {
      step.target = { kind: 'container', opener: opener.index }
      opener.opensTerminal = true
    }
    // The shell ends: a container line after it has no shell to go to.
    if (/^exit(?:\s+\d+)?$/.test(step.command.trim()))
      opener = undefined
  }
}
