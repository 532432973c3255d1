/**
 * `host$ COMMAND`: runs on the Docker host, from a short-lived helper container that enters the
 * host's mount, UTS, network and IPC namespaces through dockerd's pid (docs/engine-notes.md:
 * `Privileged` fails here and PID 1 is not the host's init; PidMode host + three capabilities
 * work).
 */
import type Docker from 'dockerode'
import type { Step } from '../deck/model.ts'
import { HELPER_LACKS_NSENTER, pullWhileOnline } from '../presenter-help.ts'
import { DemoError } from '../protocol.ts'
import { CTRL_C, abortedBefore, sleep } from './abort.ts'
import { undefinedIfNotFound } from './errors.ts'
import { HELPER_LABEL, demoLabels } from './labels.ts'
import { StepOutput, pumpStream } from './output.ts'
import type { StepIO, StepRunContext } from './types.ts'

export interface HostCall {
  docker: Docker
  step: Step
  context: StepRunContext
  io: StepIO
}

/** A stand-in with busybox's nsenter, pidof and sh. */
export const HELPER_IMAGE = 'alpine:latest'

/**
 * The helper's script: find dockerd (the host's init on Docker Desktop, where dockerd lives in
 * the VM's namespaces too), enter its namespaces, cd to the demo's directory, run the command.
 */
const ENTER_HOST = [
  // Alpine's own busybox has no nsenter applet (the stand-in's has): say so instead of "not found".
  `command -v nsenter >/dev/null || { echo "${HELPER_LACKS_NSENTER}" >&2; exit 127; }`,
  'pid=$(pidof dockerd | cut -d" " -f1)',
  '[ -n "$pid" ] || pid=1',
  `exec nsenter -t "$pid" -m -u -n -i /bin/sh -c 'cd "$1" 2>/dev/null || cd /; eval "$2"' host "$1" "$2"`,
].join('\n')

export async function hostStep(call: HostCall): Promise<number> {
  const { docker, context, io, step } = call
  if (!await undefinedIfNotFound(docker.getImage(HELPER_IMAGE).inspect()))
    throw new DemoError('IMAGE_MISSING', `The image "${HELPER_IMAGE}" is not on this engine (host steps run in a helper container of that image). ${pullWhileOnline(HELPER_IMAGE)}`)
  const output = new StepOutput(io, false)
  const env = [...context.session.variables].map(([name, value]) => `${name}=${value}`)
  const container = await docker.createContainer({
    Image: HELPER_IMAGE,
    Cmd: ['sh', '-c', ENTER_HOST, HELPER_IMAGE, context.workdir, step.command],
    Env: ['HOME=/root', ...env],
    Tty: true,
    OpenStdin: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Labels: { ...demoLabels(context.deckId, context.demoId, context.runId), [HELPER_LABEL]: 'true' },
    HostConfig: {
      PidMode: 'host',
      CapAdd: ['SYS_ADMIN', 'SYS_PTRACE', 'SYS_CHROOT'],
      // The command enters the host's network namespace itself; no veth for the helper.
      NetworkMode: 'none',
      LogConfig: { Type: 'none', Config: {} },
    },
  })
  const removers: Array<() => void> = []
  try {
    const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }) as NodeJS.ReadWriteStream & { destroy: () => void }
    // Also when the start fails: never leave the attach socket open.
    removers.push(() => stream.destroy())
    const done = pumpStream(stream, true, output)
    const { exited, stopWaiting } = await registerWait(docker, container.id)
    removers.push(stopWaiting)
    removers.push(io.onInput(data => stream.write(data)))
    await container.start()
    removers.push(await followTerminalSize(call, container))
    const aborted = await abortedBefore(context.signal, exited)
    if (aborted) {
      stream.write(CTRL_C)
      await Promise.race([exited, sleep(1000)])
    }
    await Promise.race([done, sleep(aborted ? 500 : 2000)])
    stream.destroy()
    if (!aborted)
      return (await exited).StatusCode
    return Promise.race([exited.then(r => r.StatusCode), sleep(100).then(() => 130)])
  }
  finally {
    for (const remove of removers)
      remove()
    // Without a pid namespace of its own, a forced removal kills every process of the helper's
    // cgroup, including what the command left behind on the host.
    await removeHelper(container)
  }
}

async function removeHelper(container: Docker.Container): Promise<void> {
  await container.remove({ force: true }).catch(() => {})
}

/**
 * POST /containers/{id}/wait?condition=next-exit, resolved once the daemon has registered the
 * wait (it flushes the headers then), so that a container started afterwards cannot exit
 * unseen (docs/engine-notes.md: dockerode's wait() uses not-running, which answers 0 at once for
 * a container that has not started). `stopWaiting` closes the wait's connection.
 */
function registerWait(docker: Docker, id: string): Promise<{ exited: Promise<{ StatusCode: number }>, stopWaiting: () => void }> {
  return new Promise((resolve, reject) => {
    docker.modem.dial({
      path: `/containers/${id}/wait?`,
      method: 'POST',
      isStream: true,
      options: { _query: { condition: 'next-exit' }, _body: {} },
      statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
    }, (error, result) => {
      if (error) {
        reject(error)
        return
      }
      const response = result as NodeJS.ReadableStream & { destroy: () => void }
      const exited = new Promise<{ StatusCode: number }>((resolveExit, rejectExit) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => { body += chunk })
        response.on('end', () => {
          try {
            resolveExit(JSON.parse(body) as { StatusCode: number })
          }
          catch {
            rejectExit(new Error(`unexpected wait response ${JSON.stringify(body)}`))
          }
        })
        response.on('error', rejectExit)
      })
      exited.catch(() => {})
      resolve({ exited, stopWaiting: () => response.destroy() })
    })
  })
}

/** Sizes the helper's TTY to the presenter's terminal now and on every resize; returns the
 *  remover. A failed resize is harmless (the process ended meanwhile). */
async function followTerminalSize(call: HostCall, container: Docker.Container): Promise<() => void> {
  const resize = (cols: number, rows: number) => container.resize({ h: rows, w: cols }).catch(() => {})
  const removeListener = call.io.onResize((cols, rows) => { void resize(cols, rows) })
  await resize(call.context.cols, call.context.rows)
  return removeListener
}
