/**
 * DemoEngine on a real shell: each demo's lines are typed into its own bash (demo-shell.ts),
 * whose DOCKER_HOST is a door into the engine proxy (demo-server/proxy/), so the presenter's own
 * docker CLI and compose run as at home while the proxy labels and scopes what they do. The
 * container lines of a demo are typed into the program its `run -it` / `exec -it` / `attach` line
 * started. dockerode stays for what the server does itself: status, reset, stopping what a
 * cancelled line started.
 */
import { execFile } from 'node:child_process'
import type { Step } from '../deck/model.ts'
import { dockerInvocations } from '../deck/steps.ts'
import type { DockerProgram } from '../docker-cli/programs.ts'
import { DOCKER_PROGRAMS, subcommandOf } from '../docker-cli/programs.ts'
import { composePluginMissing } from '../docker-cli/cli-flags/read-argv.ts'
import { CLI_ENV, DockerCliNotFoundError, resolveProgram } from '../docker-cli/which-cli.ts'
import type { EngineProxy } from '../proxy/index.ts'
import type { EngineStatus } from '../protocol.ts'
import { DemoError } from '../protocol.ts'
import { bypassesIn } from '../shell/bypass.ts'
import { ShellNotFoundError, resolveShell } from '../shell/which-shell.ts'
import type { Connection } from './connection.ts'
import { DemoShells } from './demo-shells.ts'
import { undefinedIfNotFound } from './errors.ts'
import { debug } from './log.ts'
import { refusalError } from './refused.ts'
import { removeScoped } from './reset.ts'
import { ShellFiles } from './shell-files.ts'
import { keepsContainersWhenStopped, stopCreatedBy } from './stop-run.ts'
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
  #shells: { files: ShellFiles, shells: DemoShells } | undefined
  #composePlugin: Promise<boolean> | undefined

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
    const proxy = this.#proxy()
    await this.#refuseBeforeTyping(step, proxy)
    debug(`${step.id} (${step.target.kind}) ${step.command}`)
    try {
      const shell = await this.#demoShells(proxy).forRun(context)
      const { runId } = context
      const engine = {
        stop: () => stopCreatedBy(docker, runId, proxy.createdBy(runId), { keepContainers: keepsContainersWhenStopped(step) }),
        afterLeave: () => stopCreatedBy(docker, runId, proxy.createdBy(runId), { keepContainers: true }),
      }
      const options = { signal: context.signal, interactive: context.interactive, typingMs: context.typingMs }
      const exitCode = step.target.kind === 'shell'
        ? await shell.typeLine(step, io, engine, options)
        : await shell.typeIntoProgram(step, io, options)
      if (exitCode !== 0 && !context.signal.aborted)
        await this.#throwIfRefused(step, runId, docker)
      return { exitCode }
    }
    catch (error) {
      debug(`${step.id} failed: ${error instanceof Error ? error.message : String(error)}`)
      throw connection.translate(error)
    }
  }

  /** What the check reports is refused here too, before a key is typed: a line that would go
   *  around the proxy, one bash cannot finish, `docker compose` without the plugin. */
  async #refuseBeforeTyping(step: Step, proxy: EngineProxy): Promise<void> {
    const where = `Step ${step.index} (${step.loc.file}:${step.loc.line})`
    if (step.syntaxError?.incomplete && step.target.kind === 'shell')
      throw new DemoError('UNSUPPORTED_COMMAND', `${where}: ${step.syntaxError.message}; the shell would wait for the rest of the line. Complete it in the deck.`)
    if (step.target.kind === 'container' && step.target.opener === 0)
      throw new DemoError('STEP_FAILED', `${where} types into a container's shell, but no earlier line of the demo enters one: add "docker run -it", "docker exec -it" or "docker attach" before it.`)
    if (!step.script)
      return
    const [bypass] = bypassesIn(step.script, { engineSocket: proxy.upstreamSocket })
    if (bypass)
      throw new DemoError('UNSUPPORTED_COMMAND', `${where}: ${bypass.message}.`)
    const compose = dockerInvocations(step.script).some(({ program, argv }) => program === 'docker' && subcommandOf('docker', argv) === 'compose')
    if (compose && !await this.#hasComposePlugin())
      throw new DemoError('UNSUPPORTED_COMMAND', `${where}: ${composePluginMissing()}.`)
  }

  /** `docker compose version` answers only with the plugin; asked once. */
  #hasComposePlugin(): Promise<boolean> {
    this.#composePlugin ??= new Promise((resolve) => {
      let cli: string
      try {
        cli = this.#find('docker')
      }
      catch {
        resolve(false)
        return
      }
      execFile(cli, ['compose', 'version'], { timeout: 10_000 }, error => resolve(!error))
    })
    return this.#composePlugin
  }

  /** The proxy refused part of the line: its own error code, not "the command failed". */
  async #throwIfRefused(step: Step, runId: string, docker: Awaited<ReturnType<Connection['get']>>['docker']): Promise<void> {
    const refusals = this.#proxy().refusedFor(runId)
    if (refusals.length === 0)
      return
    const present = new Set<string>()
    for (const image of refusals.flatMap(r => r.image ?? [])) {
      if (await undefinedIfNotFound(docker.getImage(image).inspect()))
        present.add(image)
    }
    const error = refusalError(step, refusals, image => present.has(image))
    if (error)
      throw error
  }

  /** The shells, and the files they start from, made on the first line. */
  #demoShells(proxy: EngineProxy): DemoShells {
    if (!this.#shells) {
      let bash: string
      try {
        bash = resolveShell()
      }
      catch (error) {
        if (error instanceof ShellNotFoundError)
          throw new DemoError('ENGINE_UNAVAILABLE', `The demos run in bash, and there is none: ${error.message}`)
        throw error
      }
      const programs: Partial<Record<DockerProgram, string>> = {}
      for (const program of DOCKER_PROGRAMS) {
        try {
          programs[program] = this.#find(program)
        }
        catch (error) {
          // docker-compose is only needed by the lines that run it, which then say it is missing.
          if (program === 'docker')
            throw error
        }
      }
      const files = ShellFiles.create(programs)
      this.#shells = { files, shells: new DemoShells({ files, proxy, bash }) }
    }
    return this.#shells.shells
  }

  /** The program the deck check read its flags from too (which-cli.ts); an option names
   *  another docker CLI. */
  #find(program: DockerProgram): string {
    try {
      return resolveProgram(program, this.parts.cli === undefined ? process.env : { ...process.env, [CLI_ENV]: this.parts.cli })
    }
    catch (error) {
      if (error instanceof DockerCliNotFoundError) {
        throw program === 'docker'
          ? new DemoError('ENGINE_UNAVAILABLE', `The demos run the presenter's own docker CLI, and there is none: ${error.message}`)
          : new DemoError('UNSUPPORTED_COMMAND', `This line runs ${program}, and there is none: ${error.message}`)
      }
      throw error
    }
  }

  #proxy(): EngineProxy {
    if (!this.parts.proxy)
      throw new DemoError('ENGINE_UNAVAILABLE', 'The engine proxy did not start (see the engine status).')
    return this.parts.proxy
  }

  /** Everything of the deck (or demo) that can go; reset.ts says what could not, and why. */
  async reset(scope: { deckId: string, demoId?: string }): Promise<ResetReport> {
    try {
      await this.#shells?.shells.closeScope(scope)
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
    await this.#shells?.shells.closeAll()
    this.#shells?.files.remove()
    await this.parts.proxy?.close()
    this.parts.connection.invalidate()
  }
}
