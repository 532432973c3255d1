/**
 * A `docker ...` step: the presenter's real docker CLI, talking to the engine only through our
 * proxy (demo-server/proxy/). In a pseudo-terminal sized to the slide, so its output is what the
 * presenter sees at home; or, for `NAME=$(docker ...)`, on plain pipes, so that stdout is exact.
 */
import { spawn } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'
import type Docker from 'dockerode'
import type { Step } from '../deck/model.ts'
import { commandKey } from '../deck/steps.ts'
import { FALLBACK_SPECS } from '../docker-cli/cli-flags/fallback-spec.ts'
import { readDockerArgv } from '../docker-cli/cli-flags/read-argv.ts'
import type { EngineProxy } from '../proxy/index.ts'
import { onAbort } from './abort.ts'
import { cliEnvironment } from './cli-launch.ts'
import { toTerminal } from './output.ts'
import { PtyProcess } from './pty-process.ts'
import { stopCreatedBy } from './stop-run.ts'
import type { StepIO, StepRunContext } from './types.ts'

export interface CliCall {
  /** The docker CLI's path (cli-launch.ts). */
  cli: string
  proxy: EngineProxy
  /** For stopping what a cancelled step created. */
  docker: Docker
  /** The step's arguments after the program's name, from the deck's tokenizer. */
  args: string[]
  /** `NAME=value` words written before the program (`DOCKER_BUILDKIT=0 docker build ...`). */
  env: Record<string, string>
  step: Step
  context: StepRunContext
  io: StepIO
}

/** A CLI process however it was started: PTY or pipes. */
export interface CliProcess {
  exited: Promise<number>
  signal: (name: 'SIGINT' | 'SIGKILL') => void
}

/** How long each stage of stopping a step may take: SIGINT, then the engine side, then SIGKILL. */
const STOP_STAGE_MS = 1000

export function spawnInTerminal(call: CliCall): PtyProcess {
  const { cli, proxy, args, context } = call
  return PtyProcess.spawn(cli, args, {
    cols: context.cols,
    rows: context.rows,
    env: { ...cliEnvironment(process.env, proxy.dockerHost, true), ...call.env },
    cwd: context.workdir,
  })
}

/** The CLI in a terminal, its bytes to the slide unchanged, until it exits or the step stops. */
export async function runInTerminal(call: CliCall): Promise<number> {
  const terminal = spawnInTerminal(call)
  const removers = [
    terminal.onData(data => call.io.write(data)),
    call.io.onResize((cols, rows) => terminal.resize(cols, rows)),
  ]
  try {
    return await untilExitOrStop(call, terminalProcess(terminal))
  }
  finally {
    for (const remove of removers)
      remove()
  }
}

export function terminalProcess(terminal: PtyProcess): CliProcess {
  return { exited: terminal.exited.then(exit => exit.exitCode), signal: name => terminal.signal(name) }
}

/** `NAME=$(docker ...)`: stdout kept exactly (trimmed, as `$(...)` trims line ends), stderr shown. */
export async function runCaptured(call: CliCall): Promise<{ exitCode: number, stdout: string }> {
  const { cli, proxy, args, context, io } = call
  const child = spawn(cli, args, {
    cwd: context.workdir,
    env: { ...cliEnvironment(process.env, proxy.dockerHost, false), ...call.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const out = new StringDecoder('utf8')
  const err = new StringDecoder('utf8')
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += out.write(chunk) })
  child.stderr.on('data', (chunk: Buffer) => io.write(toTerminal(err.write(chunk))))
  const exited = new Promise<number>((resolve) => {
    child.on('error', (error) => {
      io.write(toTerminal(`${cli}: ${error.message}\n`))
      resolve(127)
    })
    child.on('close', (code, signal) => {
      stdout += out.end()
      io.write(toTerminal(err.end()))
      resolve(code ?? 128 + signalNumber(signal))
    })
  })
  const exitCode = await untilExitOrStop(call, {
    exited,
    signal: (name) => { child.kill(name) },
  })
  return { exitCode, stdout: stdout.replace(/\n+$/, '').trim() }
}

/** The exit code; on cancel or timeout, the CLI and what its step created are stopped first. */
export async function untilExitOrStop(call: CliCall, cli: CliProcess): Promise<number> {
  let stopping: Promise<void> | undefined
  const removeAbort = onAbort(call.context.signal, () => {
    stopping = stopStep(call, cli)
  })
  try {
    const exitCode = await cli.exited
    await stopping
    return exitCode
  }
  finally {
    removeAbort()
  }
}

/**
 * As a presenter would: Ctrl-C (SIGINT, which `docker run` passes on to the container), then
 * `docker kill` of the containers the step started and a kill of its execs' processes, then
 * SIGKILL for a CLI that still has not ended.
 */
export async function stopStep(call: CliCall, cli: CliProcess): Promise<void> {
  cli.signal('SIGINT')
  await within(cli.exited, STOP_STAGE_MS)
  const { docker, proxy, context } = call
  await stopCreatedBy(docker, context.runId, proxy.createdBy(context.runId), { keepContainers: isDetachedRun(call) })
  if (!await within(cli.exited, STOP_STAGE_MS))
    cli.signal('SIGKILL')
}

/** Which command the step runs (`run`, `attach`, `up`; `container X` spelled X) and its
 *  flags, as the fallback spec reads them: global options before it are skipped. */
export function stepCommand(call: Pick<CliCall, 'step' | 'args'>): { name?: string, flags: Map<string, string[]> } {
  const { target } = call.step
  const program = target.kind === 'docker' ? target.program : 'docker'
  const read = readDockerArgv(FALLBACK_SPECS[program], call.args, { lenient: true })
  return { name: read.command && commandKey(read.command.path), flags: read.flags }
}

/** `docker run -d ...`, `docker-compose up -d`: the containers it started stay when the step
 *  is stopped, as at home. */
export function isDetachedRun(call: Pick<CliCall, 'step' | 'args'>): boolean {
  const { name, flags } = stepCommand(call)
  const detached = flags.get('--detach')?.at(-1)
  return (name === 'run' || name === 'up') && detached !== undefined && detached !== 'false'
}

/** Whether `promise` settled within `ms`. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms) })
  try {
    return await Promise.race([promise.then(() => true, () => true), late])
  }
  finally {
    clearTimeout(timer)
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return { SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGHUP: 1 }[signal ?? 'SIGKILL' as string] ?? 9
}
