/**
 * DemoEngine on the presenter's real docker CLI: `docker ...` steps run it (cli-step.ts), and
 * `docker-compose ...` steps run compose v1, both through the engine proxy (demo-server/proxy/);
 * `run -it` / `exec -it` / `attach` open a shell session that the demo's `/ # ...` lines are
 * typed into (shell-session.ts); `host$` steps run in a helper container (host.ts). dockerode stays for what the server does itself: status, reset,
 * stopping what a cancelled step created.
 */
import type { Step } from '../deck/model.ts'
import { TokenizeError, tokenize } from '../docker-cli/tokenize.ts'
import type { EngineProxy } from '../proxy/index.ts'
import type { EngineStatus } from '../protocol.ts'
import { DemoError } from '../protocol.ts'
import type { CliCall } from './cli-step.ts'
import { runCaptured, runInTerminal, spawnInTerminal, stepCommand } from './cli-step.ts'
import type { DockerProgram } from '../docker-cli/programs.ts'
import { bypassProblems, commandParts } from '../docker-cli/programs.ts'
import { CLI_ENV, DockerCliNotFoundError, resolveProgram } from '../docker-cli/which-cli.ts'
import type { Connection } from './connection.ts'
import { undefinedIfNotFound } from './errors.ts'
import { hostStep } from './host.ts'
import { debug } from './log.ts'
import { refusalError } from './refused.ts'
import { removeScoped } from './reset.ts'
import { ShellSession } from './shell-session.ts'
import { ShellSessions } from './shell-sessions.ts'
import type { DemoEngine, ResetReport, StepIO, StepResult, StepRunContext } from './types.ts'

export interface DockerEngineParts {
  connection: Connection
  /** Undefined when the engine could not be found: steps then fail with the connection's reason. */
  proxy: EngineProxy | undefined
  /** The docker CLI to run (else DOCKER_DEMO_CLI, else `docker` on PATH). */
  cli?: string
}

export class DockerEngine implements DemoEngine {
  #closed = false
  readonly #sessions = new ShellSessions()
  readonly #programs = new Map<DockerProgram, string>()

  constructor(private readonly parts: DockerEngineParts) {}

  status(): Promise<EngineStatus> {
    return this.parts.connection.status()
  }

  async runStep(step: Step, context: StepRunContext, io: StepIO): Promise<StepResult> {
    if (this.#closed)
      throw new DemoError('ENGINE_UNAVAILABLE', 'The engine connection is closed (the server is shutting down).')
    const { connection } = this.parts
    const { docker } = await connection.get()
    // Cancelled before it began: nothing to start, nothing to stop (130: as after Ctrl-C).
    if (context.signal.aborted)
      return { exitCode: 130 }
    debug(`${step.id} (${step.target.kind}) ${step.command}`)
    try {
      switch (step.target.kind) {
        case 'container':
          return { exitCode: await this.#sessions.forStep(context, step).typeLine(step, io, context.signal) }
        case 'host':
          await this.#sessions.leave(context)
          return { exitCode: await hostStep({ docker, step, context, io }) }
        case 'docker': {
          const { program } = step.target
          const call: CliCall = { cli: this.#find(program), proxy: this.#proxy(), docker, ...this.#commandLine(step, program, context), step, context, io }
          await this.#sessions.leave(context)
          call.proxy.setScope({ deckId: context.deckId, demoId: context.demoId, runId: context.runId })
          const result = await this.#dockerStep(call)
          if (result.exitCode !== 0 && !context.signal.aborted)
            await this.#throwIfRefused(call)
          return result
        }
      }
    }
    catch (error) {
      debug(`${step.id} failed: ${error instanceof Error ? error.message : String(error)}`)
      throw connection.translate(error)
    }
  }

  async #dockerStep(call: CliCall): Promise<StepResult> {
    const { step, context, io } = call
    if (step.capture !== undefined) {
      const { exitCode, stdout } = await runCaptured(call)
      if (exitCode === 0)
        context.session.variables.set(step.capture, stdout)
      return { exitCode, stdout }
    }
    if (step.entersContainer === undefined)
      return { exitCode: await runInTerminal(call) }
    const session = new ShellSession(spawnInTerminal(call), call)
    await this.#sessions.add(context, session)
    const enteredBy = stepCommand(call).name === 'attach' ? 'attach' : 'shell'
    return { exitCode: await session.open(io, context.signal, context.interactive, enteredBy) }
  }

  /** The proxy refused part of the step: its own error code, not "the command failed". */
  async #throwIfRefused(call: CliCall): Promise<void> {
    const refusals = call.proxy.refusedFor(call.context.runId)
    if (refusals.length === 0)
      return
    const present = new Set<string>()
    for (const image of refusals.flatMap(r => r.image ?? [])) {
      if (await undefinedIfNotFound(call.docker.getImage(image).inspect()))
        present.add(image)
    }
    const error = refusalError(call.step, refusals, image => present.has(image))
    if (error)
      throw error
  }

  /** The deck's tokenizer: `$VAR` from the demo's captures, `$(pwd)` the demo's directory. No
   *  variable or global option may send the program past the proxy. */
  #commandLine(step: Step, program: DockerProgram, context: StepRunContext): Pick<CliCall, 'env' | 'args'> {
    let argv: string[]
    try {
      argv = tokenize(step.command, {
        variable: name => context.session.variables.get(name),
        pwd: () => context.workdir,
      })
    }
    catch (error) {
      if (error instanceof TokenizeError)
        throw new DemoError('UNSUPPORTED_COMMAND', `Step ${step.index} (${step.loc.file}:${step.loc.line}): ${error.message}`)
      throw error
    }
    const where = `Step ${step.index} (${step.loc.file}:${step.loc.line})`
    const parts = commandParts(argv)
    if (parts.program !== program)
      throw new DemoError('UNSUPPORTED_COMMAND', `${where}: a ${program} step runs "${program}", got "${parts.program}"`)
    const [bypass] = bypassProblems(program, parts)
    if (bypass)
      throw new DemoError('UNSUPPORTED_COMMAND', `${where}: ${bypass}`)
    return { env: parts.env, args: parts.args }
  }

  /** The program the deck check read its flags from too (which-cli.ts); an option names
   *  another docker CLI. */
  #find(program: DockerProgram): string {
    let found = this.#programs.get(program)
    try {
      found ??= resolveProgram(program, this.parts.cli === undefined ? process.env : { ...process.env, [CLI_ENV]: this.parts.cli })
    }
    catch (error) {
      if (error instanceof DockerCliNotFoundError) {
        throw program === 'docker'
          ? new DemoError('ENGINE_UNAVAILABLE', `The demos run the presenter's own docker CLI, and there is none: ${error.message}`)
          : new DemoError('UNSUPPORTED_COMMAND', `This step runs ${program}, and there is none: ${error.message}`)
      }
      throw error
    }
    this.#programs.set(program, found)
    return found
  }

  #proxy(): EngineProxy {
    if (!this.parts.proxy)
      throw new DemoError('ENGINE_UNAVAILABLE', 'The engine proxy did not start (see the engine status).')
    return this.parts.proxy
  }

  /** Everything of the deck (or demo) that can go; reset.ts says what could not, and why. */
  async reset(scope: { deckId: string, demoId?: string }): Promise<ResetReport> {
    try {
      await this.#sessions.closeScope(scope)
      const { docker } = await this.parts.connection.get()
      return await removeScoped(docker, scope)
    }
    catch (error) {
      throw this.parts.connection.translate(error)
    }
  }

  async close(): Promise<void> {
    if (this.#closed)
      return
    this.#closed = true
    await this.#sessions.closeAll()
    await this.parts.proxy?.close()
    this.parts.connection.invalidate()
  }
}

