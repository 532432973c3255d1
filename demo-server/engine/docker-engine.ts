/**
 * DemoEngine on dockerode: one entry (runStep) that reads the step, checks it, and hands it to
 * the handler of its docker subcommand, its container, or the host.
 */
import type { Step } from '../deck/model.ts'
import type { CommandCall, CommandHandler } from './call.ts'
import type { Connection } from './connection.ts'
import type { DemoEngine, ResetReport, StepIO, StepResult, StepRunContext } from './types.ts'
import type { EngineStatus } from '../protocol.ts'
import { CommandLineError, parseDockerArgv } from '../docker-cli/parse-argv.ts'
import { TokenizeError, tokenize } from '../docker-cli/tokenize.ts'
import { DemoError } from '../protocol.ts'
import * as containers from './commands/containers.ts'
import * as images from './commands/images.ts'
import * as objects from './commands/objects.ts'
import { containerStep, execCommand } from './exec.ts'
import { hostStep } from './host.ts'
import { debug } from './log.ts'
import { StepOutput } from './output.ts'
import { attachContainer, runContainer } from './run.ts'
import { removeScoped } from './reset.ts'
import { Scope } from './scope.ts'

/** One handler per command of the table in docker-cli/commands.ts (by its canonical name). */
const HANDLERS: Record<string, CommandHandler> = {
  'run': runContainer,
  'exec': execCommand,
  'attach': attachContainer,
  'ps': containers.ps,
  'diff': containers.diff,
  'logs': containers.logs,
  'history': images.history,
  'pull': images.pull,
  'images': images.images,
  'info': objects.info,
  'inspect': objects.inspect(['container', 'image', 'network', 'volume']),
  'container inspect': objects.inspect(['container']),
  'volume create': objects.volumeCreate,
  'volume inspect': objects.inspect(['volume']),
  'volume ls': objects.volumeLs,
  'volume rm': objects.volumeRm,
  'volume prune': objects.volumePrune,
  'network create': objects.networkCreate,
  'network ls': objects.networkLs,
  'network inspect': objects.inspect(['network']),
  'network connect': call => objects.networkConnect(call, true),
  'network disconnect': call => objects.networkConnect(call, false),
  'network rm': objects.networkRm,
  'rm': containers.rm,
  'start': containers.start,
  'stop': containers.stop,
  'restart': containers.restart,
  'kill': containers.kill,
}

/**
 * A command line we cannot run (refused by the tokenizer, the argv parser or a handler's own
 * reading of its flags) is UNSUPPORTED_COMMAND wherever it was found, naming the step.
 */
function unsupportedCommand(step: Step, error: unknown): unknown {
  if (error instanceof TokenizeError || error instanceof CommandLineError)
    return new DemoError('UNSUPPORTED_COMMAND', `Step ${step.index} (${step.loc.file}:${step.loc.line}): ${error.message}`)
  return error
}

export function supportedCommands(): string[] {
  return Object.keys(HANDLERS)
}

export class DockerEngine implements DemoEngine {
  private closed = false

  constructor(private readonly connection: Connection) {}

  status(): Promise<EngineStatus> {
    return this.connection.status()
  }

  async runStep(step: Step, context: StepRunContext, io: StepIO): Promise<StepResult> {
    if (this.closed)
      throw new DemoError('ENGINE_UNAVAILABLE', 'The engine connection is closed (the server is shutting down).')
    const { docker } = await this.connection.get()
    // Cancelled before it began: nothing to start, nothing to stop (130: as after Ctrl-C).
    if (context.signal.aborted)
      return { exitCode: 130 }
    const output = new StepOutput(io, step.capture !== undefined)
    const scope = new Scope(context.deckId, context.demoId, context.runId)
    const base = { docker, connection: this.connection, step, context, io, output, scope }
    let exitCode: number
    debug(`${step.id} (${step.target.kind}) ${step.command}`)
    try {
      switch (step.target.kind) {
        case 'docker':
          exitCode = await this.dockerStep({ ...base, parsed: this.parse(step, context) })
          break
        case 'container':
          exitCode = await containerStep(base, step.target.container)
          break
        case 'host':
          exitCode = await hostStep(base)
          break
      }
    }
    catch (error) {
      debug(`${step.id} failed: ${error instanceof Error ? error.message : String(error)}`)
      throw this.connection.translate(unsupportedCommand(step, error))
    }
    debug(`${step.id} exited ${exitCode}${context.signal.aborted ? ' (aborted)' : ''}`)
    if (step.capture === undefined)
      return { exitCode }
    if (exitCode === 0)
      context.session.variables.set(step.capture, output.stdout)
    return { exitCode, stdout: output.stdout }
  }

  private parse(step: Step, context: StepRunContext): CommandCall['parsed'] {
    const argv = tokenize(step.command, {
      variable: name => context.session.variables.get(name),
      pwd: () => context.workdir,
    })
    if (argv[0] !== 'docker')
      throw new CommandLineError(`a docker step starts with "docker", got "${argv[0] ?? ''}"`)
    return parseDockerArgv(argv.slice(1))
  }

  private dockerStep(call: CommandCall): Promise<number> {
    const handler = HANDLERS[call.parsed.name]
    if (!handler)
      throw new DemoError('UNSUPPORTED_COMMAND', `"docker ${call.parsed.name}" is in the command table but the engine has no handler for it.`)
    return handler(call)
  }

  /** Everything of the deck (or demo) that can go; reset.ts says what could not, and why. */
  async reset(scope: { deckId: string, demoId?: string }): Promise<ResetReport> {
    try {
      const { docker } = await this.connection.get()
      return await removeScoped(docker, scope)
    }
    catch (error) {
      throw this.connection.translate(error)
    }
  }

  async close(): Promise<void> {
    this.closed = true
    this.connection.invalidate()
  }
}
