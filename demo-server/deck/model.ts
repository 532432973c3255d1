/** The typed model of the demos in a deck. Pure data: the parser makes it, the check, the
 *  server and the Slidev components read it. */
import type { DockerProgram } from '../docker-cli/programs.ts'

export interface SourceLocation {
  file: string
  /** 1-based line in the deck file. */
  line: number
}

/** Where a step runs. */
export type StepTarget =
  /** A docker CLI (or compose v1) command line, spoken through the Engine API. */
  | { kind: 'docker'; program: DockerProgram }
  /** A command on the Docker host, run in a helper container that enters the host's namespaces. */
  | { kind: 'host' }
  /** A command inside a running container, run as an exec. `container` is the name or `$VAR`
   *  written in the step that entered it. */
  | { kind: 'container'; container: string }

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
  /** The command as it runs: prompt, `NAME=$(...)` and settings removed, continuations joined. */
  command: string
  /** The prompt shown before the command in terminal output (`$ `, `host$ `, `/ # `). */
  prompt: string
  /** `NAME` of `NAME=$(docker ...)`: the trimmed output is kept as `$NAME`. */
  capture?: string
  options: StepOptions
  /** The step opens an interactive TTY (`run -it`, `exec -it`, `attach`). Later `/ #` steps
   *  run in the container it entered. */
  entersContainer?: string
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
  return `${problem.loc.file}:${problem.loc.line}: ${problem.message}`
}
