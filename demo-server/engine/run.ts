/**
 * `docker run` and `docker attach`. Order matters (docs/engine-notes.md): create, attach, start, wait, and
 * wait for the attach stream's end as well, or the first bytes are lost. `--rm` removes after
 * the wait rather than with AutoRemove, for the same reason.
 */
import fs from 'node:fs'
import type Docker from 'dockerode'
import type { CommandCall } from './call.ts'
import type { ContainerCreateBody, MountOptions, NamedVolume, RunPlan } from '../docker-cli/run-options.ts'
import { anonymousContainerRef } from '../deck/steps.ts'
import { isShellCommand, planRun, resolveHostPath } from '../docker-cli/run-options.ts'
import { abortedBefore, ensureImage, followTerminalSize, noSuchContainer, registerWait, sleep } from './call.ts'
import { daemonMessage } from './errors.ts'
import { debug } from './log.ts'
import { pumpStream } from './output.ts'

export async function runContainer(call: CommandCall): Promise<number> {
  const { docker, context, scope } = call
  const plan = planRun(call.parsed, {
    labels: scope.labels,
    workdir: context.workdir,
    env: name => context.session.variables.get(name),
  })
  // Everything that can refuse is checked before anything is created.
  if (plan.name)
    await scope.checkContainerName(docker, plan.name)
  for (const ref of plan.referencedContainers)
    await scope.ownedContainer(docker, ref, 'share its volumes or network with a new container')
  await scope.checkJoinableNetwork(docker, plan.network, 'attach a new container to')
  const freeVolumes: NamedVolume[] = []
  for (const volume of plan.namedVolumes) {
    if (await scope.checkVolumeName(docker, volume.name) === 'free')
      freeVolumes.push(volume)
  }
  await ensureImage(call, plan.image, 'run')
  const image = await docker.getImage(plan.image).inspect()
  labelImageVolumes(plan.create, image, scope.labels)
  try {
    inlineSeccompProfiles(plan.create, context.workdir)
  }
  catch (error) {
    call.output.err(`docker: opening seccomp profile failed: ${(error as Error).message}\n\nRun 'docker run --help' for more information\n`)
    return 125
  }

  for (const volume of freeVolumes) {
    // Docker would create these itself, unlabelled; we create them first, labelled.
    try {
      await docker.createVolume({ Name: volume.name, Labels: scope.labels, ...(Object.keys(volume.driverOptions).length > 0 ? { DriverOpts: volume.driverOptions } : {}) })
    }
    catch (error) {
      return runFailed(call, error)
    }
  }

  const enterOnly = plan.interactive && plan.tty && !plan.detach && !context.interactive
    && (plan.command.length === 0 || isShellCommand(plan.command))
  const attachStdin = plan.interactive && plan.tty && context.interactive && !plan.detach
  const create = { ...plan.create }
  if (!plan.detach && !attachStdin && !enterOnly) {
    // Nobody will type: give the process an empty stdin rather than one that never ends.
    create.OpenStdin = false
    create.AttachStdin = false
  }
  if (enterOnly)
    create.HostConfig = { ...create.HostConfig, AutoRemove: plan.remove }

  let container: Docker.Container
  try {
    container = await docker.createContainer(create as Docker.ContainerCreateOptions)
  }
  catch (error) {
    return runFailed(call, error)
  }
  debug(`created for ${call.step.id}${plan.detach ? ' (detached)' : enterOnly ? ' (entered)' : ''}`, container.id)
  if (!plan.name)
    context.session.anonymousContainers.set(anonymousContainerRef(call.step.index), container.id)

  if (plan.detach || enterOnly) {
    try {
      await container.start()
    }
    catch (error) {
      return runFailed(call, error)
    }
    if (plan.tty)
      await container.resize({ h: context.rows, w: context.cols }).catch(() => {})
    if (plan.detach)
      call.output.out(`${container.id}\n`)
    return 0
  }
  try {
    return await foreground(call, container, plan, attachStdin)
  }
  catch (error) {
    // The attach or the wait failed (the engine went away, the container was removed
    // meanwhile): --rm still means that nothing is left behind.
    await removeAfter(container, plan)
    throw error
  }
}

/** Runs an attached container to its end (or, for a presenter's terminal, until detached). */
async function foreground(call: CommandCall, container: Docker.Container, plan: RunPlan, attachStdin: boolean): Promise<number> {
  const { context, io, output } = call
  const stream = await container.attach({ stream: true, stdout: true, stderr: true, ...(attachStdin ? { stdin: true, hijack: true } : {}) }) as NodeJS.ReadWriteStream & { destroy: () => void }
  const streamDone = pumpStream(stream, plan.tty, output)
  const removers: Array<() => void> = []
  try {
    const { exited, stopWaiting } = await registerWait(call.docker, container.id)
    removers.push(stopWaiting)
    // Input first: a terminal answers the shell's first queries (cursor position) at once.
    if (attachStdin)
      removers.push(io.onInput(data => stream.write(data)))
    try {
      await container.start()
    }
    catch (error) {
      await removeAfter(container, plan)
      return runFailed(call, error)
    }
    if (plan.tty)
      removers.push(await followTerminalSize(call, container))

    if (attachStdin) {
      // A presenter's terminal: it ends when the process does, or when the presenter leaves
      // (cancel, or the detach keys Ctrl-P Ctrl-Q). Leaving keeps the container running for
      // the `/ #` steps that follow.
      const aborted = await abortedBefore(context.signal, streamDone)
      // The stream also ends on detach; an exit shows up in wait() right after it.
      const status = aborted ? undefined : await Promise.race([exited.then(r => r.StatusCode, () => undefined), sleep(1000).then(() => undefined)])
      if (status === undefined)
        return 0 // left: the container runs on (the finally closes our attach)
      await removeAfter(container, plan)
      return status
    }
    if (await abortedBefore(context.signal, exited)) {
      // Cancel or timeout: the process must really stop, as Ctrl-C then `docker kill` would.
      debug('aborted: killing', container.id)
      await container.kill({ signal: 'SIGKILL' }).catch(() => {})
    }
    const { StatusCode } = await exited.catch(() => ({ StatusCode: 137 }))
    await Promise.race([streamDone, sleep(2000)])
    await removeAfter(container, plan)
    return StatusCode
  }
  finally {
    for (const remove of removers)
      remove()
    // Ended by now, or not worth waiting for: never leave the socket open.
    stream.destroy()
  }
}

async function removeAfter(container: Docker.Container, plan: RunPlan): Promise<void> {
  if (plan.remove)
    await container.remove({ force: true, v: true }).catch(() => {})
}

/** `docker: Error response from daemon: ...` and the CLI's exit codes 125/126/127. */
function runFailed(call: CommandCall, error: unknown): number {
  const message = daemonMessage(error)
  call.output.err(`docker: Error response from daemon: ${message}\n\nRun 'docker run --help' for more information\n`)
  if (/executable file not found|no such file or directory/.test(message))
    return 127
  if (/permission denied|cannot execute/.test(message))
    return 126
  return 125
}

/** An image's VOLUME paths would become unlabelled anonymous volumes: mount them ourselves. */
function labelImageVolumes(create: ContainerCreateBody, image: Docker.ImageInspectInfo, labels: Record<string, string>): void {
  const volumes = Object.keys(image.Config?.Volumes ?? {})
  if (volumes.length === 0)
    return
  const covered = new Set([
    ...(create.HostConfig.Mounts ?? []).map(m => m.Target),
    ...(create.HostConfig.Binds ?? []).map(b => b.split(':')[1]),
  ])
  const extra: MountOptions[] = volumes
    .filter(target => !covered.has(target))
    .map(target => ({ Type: 'volume', Target: target, VolumeOptions: { Labels: { ...labels } } }))
  if (extra.length > 0)
    create.HostConfig.Mounts = [...(create.HostConfig.Mounts ?? []), ...extra]
}

/** `--security-opt seccomp=profile.json` sends the file's content, as the CLI does. */
function inlineSeccompProfiles(create: ContainerCreateBody, workdir: string): void {
  const options = create.HostConfig.SecurityOpt
  if (!options)
    return
  create.HostConfig.SecurityOpt = options.map((option) => {
    const match = /^seccomp[=:](.+)$/.exec(option)
    if (!match || match[1] === 'unconfined' || match[1].trimStart().startsWith('{'))
      return option
    const file = resolveHostPath(match[1], workdir)
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown
    return `seccomp=${JSON.stringify(profile)}`
  })
}

/** `docker attach X` / `docker container attach X`. */
export async function attachContainer(call: CommandCall): Promise<number> {
  const { docker, context, io, output, scope } = call
  const ref = call.parsed.operands[0]
  const info = await scope.ownedContainer(docker, ref, 'attach to')
  if (!info)
    return noSuchContainer(call, ref)
  if (!info.State.Running) {
    output.err('You cannot attach to a stopped container, start it first\n')
    return 1
  }
  if (!context.interactive)
    return 0 // entering only: the `/ #` steps that follow exec in it
  const container = docker.getContainer(info.Id)
  const tty = info.Config.Tty
  const stdin = info.Config.OpenStdin
  const stream = await container.attach({ stream: true, stdout: true, stderr: true, stdin, hijack: stdin }) as NodeJS.ReadWriteStream & { destroy: () => void }
  const done = pumpStream(stream, tty, output)
  const removers: Array<() => void> = []
  // Without -i the attach is a plain response (no write): the keys go nowhere, as with the CLI.
  if (stdin)
    removers.push(io.onInput(data => stream.write(data)))
  try {
    if (tty)
      removers.push(await followTerminalSize(call, container))
    const aborted = await abortedBefore(context.signal, done)
    stream.destroy()
    if (aborted)
      return 0
    const state = await container.inspect().then(i => i.State).catch(() => undefined)
    return state && !state.Running ? state.ExitCode : 0
  }
  finally {
    for (const remove of removers)
      remove()
  }
}
