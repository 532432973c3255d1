/** `ps`, `diff`, `logs`, `start`, `stop`, `restart`, `kill`, `rm`: one Engine API call each. */
import { Readable } from 'node:stream'
import type Docker from 'dockerode'
import type { CommandCall } from '../call.ts'
import type { ContainerSummary } from '../../docker-cli/format/containers.ts'
import { formatDiff, formatPs } from '../../docker-cli/format/containers.ts'
import { hasFlag, lastFlagValue } from '../../docker-cli/parse-argv.ts'
import { daemonError, noSuchContainer, onAbort } from '../call.ts'
import { isNotFound, statusCode } from '../errors.ts'
import { pumpStream } from '../output.ts'

export async function ps(call: CommandCall): Promise<number> {
  const containers = await call.docker.listContainers({ all: hasFlag(call.parsed, '--all'), size: hasFlag(call.parsed, '--size') })
  call.output.out(formatPs(containers as unknown as ContainerSummary[], {
    size: hasFlag(call.parsed, '--size'),
    quiet: hasFlag(call.parsed, '--quiet'),
    nowMs: Date.now(),
  }))
  return 0
}

export async function diff(call: CommandCall): Promise<number> {
  const ref = call.parsed.operands[0]
  try {
    // No changes is a JSON null, which dockerode hands over as the raw body.
    const changes = await call.docker.getContainer(ref).changes() as unknown
    call.output.out(formatDiff(Array.isArray(changes) ? changes : []))
    return 0
  }
  catch (error) {
    return daemonError(call, error)
  }
}

export async function logs(call: CommandCall): Promise<number> {
  const ref = call.parsed.operands[0]
  const follow = hasFlag(call.parsed, '--follow')
  const tail = lastFlagValue(call.parsed, '--tail') ?? 'all'
  let info: Docker.ContainerInspectInfo
  try {
    info = await call.docker.getContainer(ref).inspect()
  }
  catch (error) {
    return daemonError(call, error)
  }
  const container = call.docker.getContainer(info.Id)
  const options = { stdout: true, stderr: true, tail: tail === 'all' ? undefined : Number(tail) }
  if (!follow) {
    let buffer: Buffer
    try {
      buffer = await container.logs({ ...options, follow: false }) as unknown as Buffer
    }
    catch (error) {
      // e.g. "configured logging driver does not support reading" (--log-driver none)
      return daemonError(call, error)
    }
    await pumpStream(Readable.from([buffer]), info.Config.Tty, call.output)
    return 0
  }
  let stream: NodeJS.ReadableStream & { destroy: () => void }
  try {
    stream = await container.logs({ ...options, follow: true }) as unknown as typeof stream
  }
  catch (error) {
    return daemonError(call, error)
  }
  const done = pumpStream(stream, info.Config.Tty, call.output)
  const remove = onAbort(call.context.signal, () => stream.destroy())
  try {
    await done
  }
  finally {
    remove()
  }
  return 0
}

type Action = 'start' | 'stop' | 'restart' | 'kill' | 'rm'

const VERBS: Record<Action, string> = { start: 'start', stop: 'stop', restart: 'restart', kill: 'kill', rm: 'remove' }

/** Acts on each operand in turn, printing it on success, as the CLI does; exit 1 if any failed. */
function eachContainer(action: Action): (call: CommandCall) => Promise<number> {
  return async (call) => {
    let failed = false
    for (const ref of call.parsed.operands) {
      const info = await call.scope.ownedContainer(call.docker, ref, VERBS[action])
      if (!info) {
        noSuchContainer(call, ref)
        failed = true
        continue
      }
      const container = call.docker.getContainer(info.Id)
      try {
        switch (action) {
          case 'start': await container.start(); break
          case 'stop': await container.stop(); break
          case 'restart': await container.restart(); break
          case 'kill': await container.kill(); break
          case 'rm': await container.remove({ force: hasFlag(call.parsed, '--force') }); break
        }
        call.output.out(`${ref}\n`)
      }
      catch (error) {
        // 304: already started/stopped, which the CLI treats as done.
        if (statusCode(error) === 304) {
          call.output.out(`${ref}\n`)
          continue
        }
        // Gone since we looked it up: the daemon would name it by the id we resolved.
        if (isNotFound(error))
          noSuchContainer(call, ref)
        else
          daemonError(call, error)
        failed = true
      }
    }
    return failed ? 1 : 0
  }
}

export const start = eachContainer('start')
export const stop = eachContainer('stop')
export const restart = eachContainer('restart')
export const kill = eachContainer('kill')
export const rm = eachContainer('rm')
