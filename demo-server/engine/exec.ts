/**
 * `docker exec` and the `/ # COMMAND` steps that run inside the container the presenter entered.
 * An exec's process outlives its connection (docs/engine-notes.md), so every exec we start carries a marker
 * in its environment, inherited by its children; on cancel we send Ctrl-C through its TTY, then
 * kill whatever still carries the marker from a second exec.
 */
import { randomUUID } from 'node:crypto'
import type Docker from 'dockerode'
import type { CommandCall } from './call.ts'
import type { ExecCreateBody } from '../docker-cli/run-options.ts'
import { DemoError } from '../protocol.ts'
import { EXEC_DETACH_KEYS, isShellCommand, planExec } from '../docker-cli/run-options.ts'
import { CTRL_C, abortedBefore, daemonError, followTerminalSize, noSuchContainer, sleep } from './call.ts'
import { debug } from './log.ts'
import { pumpStream, readText } from './output.ts'

/** The environment variable that marks an exec's process tree. */
export const EXEC_MARK_VARIABLE = 'DOCKER_DEMO_EXEC'

/** `docker exec [-i] [-t] [-d] [-e] [-w] CONTAINER COMMAND...` */
export async function execCommand(call: CommandCall): Promise<number> {
  const { docker, context, output, scope } = call
  const plan = planExec(call.parsed, name => context.session.variables.get(name))
  const info = await scope.ownedContainer(docker, plan.container, 'exec in')
  if (!info)
    return noSuchContainer(call, plan.container)
  if (!info.State.Running) {
    output.err(`Error response from daemon: Container ${info.Id} is not running\n`)
    return 1
  }
  const container = docker.getContainer(info.Id)
  if (plan.detach) {
    try {
      const exec = await container.exec(plan.create)
      await exec.start({ Detach: true, Tty: plan.tty })
      return 0
    }
    catch (error) {
      // e.g. the command is not in the container: the daemon refuses the start.
      return daemonError(call, error)
    }
  }
  const presenter = plan.interactive && plan.tty && context.interactive
  if (plan.interactive && plan.tty && !context.interactive && isShellCommand(plan.create.Cmd))
    return 0 // entering only: the `/ #` steps that follow exec in it
  return runExec(call, container, { ...plan.create, AttachStdin: presenter || plan.tty }, presenter)
}

/** `/ # COMMAND`: `sh -c COMMAND` as a TTY exec in the container the demo entered. */
export async function containerStep(call: Omit<CommandCall, 'parsed'>, ref: string): Promise<number> {
  const { docker, scope, step } = call
  const id = resolveContainerRef(call, ref)
  const info = await scope.ownedContainer(docker, id, 'run commands in')
  if (!info)
    throw new DemoError('STEP_FAILED', `The container "${ref}" that step ${step.index} runs in does not exist (any more): run the step that starts it first.`)
  if (!info.State.Running)
    throw new DemoError('STEP_FAILED', `The container "${ref}" is not running (${info.State.Status}): run the step that starts it again.`)
  const container = docker.getContainer(info.Id)
  const workdir = await promptWorkdir(container, info, step.prompt)
  return runExec(call, container, {
    Cmd: ['sh', '-c', step.command],
    Tty: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    WorkingDir: workdir,
    DetachKeys: EXEC_DETACH_KEYS,
  }, true)
}

/** A name, `$VAR`, or `step:N` for the unnamed container step N made. */
export function resolveContainerRef(call: Pick<CommandCall, 'context' | 'step'>, ref: string): string {
  const { session } = call.context
  if (ref.startsWith('step:')) {
    const id = session.anonymousContainers.get(ref)
    if (!id)
      throw new DemoError('STEP_FAILED', `Step ${ref.slice(5)} of this demo started the container this step runs in, but it has not run yet: run it first.`)
    return id
  }
  const variable = /^\$\{?(\w+)\}?$/.exec(ref)
  if (variable) {
    const value = session.variables.get(variable[1])
    if (!value)
      throw new DemoError('STEP_FAILED', `$${variable[1]} names the container this step runs in, but no earlier step has set it: run that step first.`)
    return value
  }
  return ref
}

/** The prompt's path is the working directory; `~` is the container user's home. */
async function promptWorkdir(container: Docker.Container, info: Docker.ContainerInspectInfo, prompt: string): Promise<string> {
  const where = prompt.replace(/\s*#\s*$/, '').trim() || '/'
  if (!where.startsWith('~'))
    return where
  const user = info.Config.User
  let home = '/root'
  if (user && user !== 'root' && user !== '0') {
    const exec = await container.exec({ Cmd: ['sh', '-c', 'cd ~ && pwd'], AttachStdout: true, AttachStderr: false, Tty: true })
    const stream = await exec.start({ Tty: true }) as NodeJS.ReadableStream
    home = (await readText(stream)).trim() || '/'
  }
  return home + where.slice(1)
}

/**
 * Starts an exec and streams it to its end. With a TTY, stdin is hijacked: the presenter types
 * into it, and cancel sends Ctrl-C through it before killing what is left.
 */
async function runExec(call: Omit<CommandCall, 'parsed'>, container: Docker.Container, create: ExecCreateBody, forwardInput: boolean): Promise<number> {
  const { context, io, output } = call
  const mark = `${EXEC_MARK_VARIABLE}=${context.runId}-${randomUUID().slice(0, 8)}`
  let exec: Docker.Exec
  try {
    exec = await container.exec({ ...create, Env: [...(create.Env ?? []), mark] })
  }
  catch (error) {
    return daemonError(call, error)
  }
  const hijack = create.AttachStdin
  let stream: NodeJS.ReadWriteStream & { destroy: () => void }
  try {
    stream = await exec.start(hijack ? { hijack: true, stdin: true, Tty: create.Tty } : { Detach: false, Tty: create.Tty }) as typeof stream
  }
  catch (error) {
    return daemonError(call, error)
  }
  const done = pumpStream(stream, create.Tty, output)
  const removers: Array<() => void> = []
  try {
    // Input first: a terminal answers the shell's first queries (cursor position) at once.
    if (hijack && forwardInput)
      removers.push(io.onInput(data => stream.write(data)))
    // After start: before it, a resize hangs and fails (docs/engine-notes.md).
    if (create.Tty)
      removers.push(await followTerminalSize(call, exec))
    if (await abortedBefore(context.signal, done)) {
      debug(`aborted: stopping exec ${mark}`, container.id)
      if (hijack && create.Tty) {
        stream.write(CTRL_C)
        await Promise.race([done, sleep(1000)])
      }
      await killMarked(container, mark)
      await Promise.race([done, sleep(2000)])
    }
    // Ended, or not worth waiting for; a hijacked socket may stay half open: close it.
    stream.destroy()
    return await exitCode(exec, container, mark)
  }
  finally {
    for (const remove of removers)
      remove()
  }
}

/** The exec's exit code; it may show as running for a moment after its stream ended. */
async function exitCode(exec: Docker.Exec, container: Docker.Container, mark: string): Promise<number> {
  // The container may be gone meanwhile (removed by another step): its execs went with it.
  const inspect = () => exec.inspect().catch(() => ({ Running: false, ExitCode: 137 }))
  for (let i = 0; i < 50; i++) {
    const info = await inspect()
    if (!info.Running)
      return info.ExitCode ?? 0
    await sleep(i < 10 ? 20 : 100)
  }
  // Detached (the detach keys) or stuck: an exec must not outlive its step.
  await killMarked(container, mark)
  const info = await inspect()
  return info.ExitCode ?? 137
}

/** Kills every process in the container whose environment carries `mark`. */
export async function killMarked(container: Docker.Container, mark: string): Promise<void> {
  const script = 'for p in /proc/[0-9]*; do if tr "\\0" "\\n" < "$p/environ" 2>/dev/null | grep -qxF "$1"; then kill -9 "${p#/proc/}" 2>/dev/null; fi; done; true'
  try {
    const exec = await container.exec({ Cmd: ['sh', '-c', script, 'docker-demo-kill', mark], AttachStdout: true, AttachStderr: true, Tty: false })
    const stream = await exec.start({ Detach: false, Tty: false }) as NodeJS.ReadableStream
    await readText(stream)
  }
  catch {
    // The container stopped meanwhile: nothing is left to kill.
  }
}
