/**
 * Stopping what a cancelled (or timed-out) step started on the engine: the CLI's end alone is not
 * enough. A foreground container keeps running when its CLI is killed, and an exec's processes
 * outlive their connection (docs/engine-notes.md). The proxy knows which run created which
 * containers and execs (proxy/tracking.ts), and marks each exec's environment (engine/labels.ts).
 */
import type Docker from 'dockerode'
import type { Step } from '../deck/model.ts'
import { commandKey, dockerInvocations } from '../deck/steps.ts'
import { FALLBACK_SPECS } from '../docker-cli/cli-flags/fallback-spec.ts'
import { readDockerArgv } from '../docker-cli/cli-flags/read-argv.ts'
import type { CreatedByRun } from '../proxy/index.ts'
import { execMark } from './labels.ts'
import { debug } from './log.ts'
import { readText } from './output.ts'

export interface StopChoice {
  /** `docker run -d`: the container it started stays, as at home after Ctrl-C on the CLI. */
  keepContainers: boolean
}

/** Kills the run's running containers (unless kept) and every process of its execs. */
export async function stopCreatedBy(docker: Docker, runId: string, created: CreatedByRun, choice: StopChoice): Promise<void> {
  const containersOfExecs = new Set<string>()
  for (const id of created.execs) {
    const info = await docker.getExec(id).inspect().catch(() => undefined)
    if (info?.Running && info.ContainerID)
      containersOfExecs.add(info.ContainerID)
  }
  await Promise.all([...containersOfExecs].map(id => killMarked(docker.getContainer(id), execMark(runId))))
  if (choice.keepContainers)
    return
  await Promise.all(created.containers.map(async (id) => {
    const container = docker.getContainer(id)
    const running = await container.inspect().then(info => info.State.Running, () => false)
    if (running) {
      debug('stopped: killing', id)
      await container.kill({ signal: 'SIGKILL' }).catch(() => {})
    }
  }))
}

/** Kills every process in the container whose environment carries `mark` (needs sh, tr, grep
 *  and kill in the container, as busybox has). */
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

/** `docker run -d ...`, `docker-compose up -d`: what a line started in the background stays when
 *  the line is stopped, as at home after Ctrl-C. Read as the fallback spec reads it. */
export function keepsContainersWhenStopped(step: Step): boolean {
  return (step.script ? dockerInvocations(step.script) : []).some(({ program, argv }) => {
    const read = readDockerArgv(FALLBACK_SPECS[program], argv, { lenient: true })
    const name = read.command && commandKey(read.command.path)
    const detached = read.flags.get('--detach')?.at(-1)
    return (name === 'run' || name === 'up') && detached !== undefined && detached !== 'false'
  })
}
