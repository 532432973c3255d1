/** The typed model of the demos in a deck. Pure data: the parser makes it, the check, the
 *  server and the Slidev components read it. */
import type { ShellScript, ShellSyntaxError } from '../shell/syntax.ts'

export interface SourceLocation {
  file: string
  /** 1-based line in the deck file. */
  line: number
  /** 1-based column (characters), where the problem is that precise. */
  column?: number
}

/** Where a step's line is typed. */
export type StepTarget =
  /** At the prompt of the demo's shell (bash): any shell line, `host$ ...` included (a program
   *  on that shell's PATH that runs its words on the Docker host). */
  | { kind: 'shell' }
  /** Into the program that has the terminal: the shell of a container that the step `opener`
   *  (`docker run -it`, `docker exec -it`, `attach`) entered. */
  | { kind: 'container', opener: number }

export interface StepOptions {
  /** The step must exit non-zero; when a string, its output must also contain it. */
  expectFail?: true | string
  timeoutMs?: number
  /** Needs the internet (pull, apk add): never run offline. */
  online?: boolean
  /** Shown on the slide, never run; the reason is on the slide. */
  shownOnly?: string
}

export interface Step {
  /** `${demoId}#${index}` */
  id: string
  /** 1-based position in the demo. */
  index: number
  target: StepTarget
  /** What is typed, as written: without its prompt (`$ `, `/ # `) and its settings comment; the
   *  lines of a step that spans several (a `\` continuation, a heredoc, a loop) joined by "\n". */
  command: string
  /** The prompt the line is typed at: `$ ` for the demo's shell, `/ # ` as the deck writes a
   *  container's. */
  prompt: string
  /** The line as bash reads it (undefined when it does not parse: `problem` says why). Container
   *  lines are read as POSIX sh. */
  script?: ShellScript
  /** Why the line does not parse, in bash's words, with where. */
  syntaxError?: ShellSyntaxError
  options: StepOptions
  /** The line starts a program that takes over the terminal (`docker run -it`, `exec -it`,
   *  `attach`, `docker-compose exec`): the container lines after it are typed into that program. */
  opensTerminal?: true
  /** `docker attach`: the program draws no prompt of its own (the container drew it before). */
  attaches?: true
  loc: SourceLocation
}

/** A file the demo's steps use (a Dockerfile, a compose file), written in the deck as a fence
 *  with a title: ```dockerfile [app/Dockerfile]. It is written into the demo's working
 *  directory (`$(pwd)` of its steps) before the steps run. */
export interface DemoFile {
  /** Relative to the working directory, `/`-separated, no `..`. */
  path: string
  content: string
  /** 1-based line of the fence's opening line in the deck file. */
  line: number
}

export interface Demo {
  id: string
  title?: string
  /** Earlier demos whose objects this demo may refer to. */
  uses: string[]
  steps: Step[]
  files: DemoFile[]
  loc: SourceLocation
  /** The slide it is on, 1-based as Slidev numbers them (`/12`). */
  slide?: number
  /** `typing="30ms"`: each line is typed a character at a time, this long apart, as a person
   *  types; without it a line is typed at once. */
  typingMs?: number
}

export interface DeckProblem {
  loc: SourceLocation
  message: string
}

export interface Deck {
  file: string
  demos: Demo[]
  /** Problems found while parsing (malformed demos). The check adds its own. */
  problems: DeckProblem[]
}

export const DEFAULT_STEP_TIMEOUT_MS = 60_000

export function formatProblem(problem: DeckProblem): string {
  const { file, line, column } = problem.loc
  return `${file}:${line}${column === undefined ? '' : `:${column}`}: ${problem.message}`
}
