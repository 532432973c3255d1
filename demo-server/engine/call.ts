/** What every command handler gets, and the helpers they share (images, errors, aborts). */
import type Docker from 'dockerode'
import type { Step } from '../deck/model.ts'
import type { ParsedCommand } from '../docker-cli/parse-argv.ts'
import type { Connection } from './connection.ts'
import type { StepOutput } from './output.ts'
import type { Scope } from './scope.ts'
import type { StepIO, StepRunContext } from './types.ts'
import { PullProgressRenderer, normalizeImageRef } from '../docker-cli/format/images.ts'
import { pullWhileOnline } from '../presenter-help.ts'
import { DemoError } from '../protocol.ts'
import { daemonMessage, undefinedIfNotFound } from './errors.ts'

export interface CommandCall {
  docker: Docker
  connection: Connection
  step: Step
  context: StepRunContext
  io: StepIO
  output: StepOutput
  scope: Scope
  parsed: ParsedCommand
}

/** A handler returns the exit code the docker CLI would. */
export type CommandHandler = (call: CommandCall) => Promise<number>

/** Calls `listener` once when the signal aborts (now, if it already has); returns the remover. */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) {
    queueMicrotask(listener)
    return () => {}
  }
  signal.addEventListener('abort', listener, { once: true })
  return () => signal.removeEventListener('abort', listener)
}

/** Waits for `work` or the signal, whichever comes first: true when the signal did. */
export async function abortedBefore(signal: AbortSignal, work: Promise<unknown>): Promise<boolean> {
  let removeListener = () => {}
  const aborted = new Promise<true>((resolve) => {
    removeListener = onAbort(signal, () => resolve(true))
  })
  try {
    return await Promise.race([work.then(() => false), aborted])
  }
  finally {
    removeListener()
  }
}

/** A container's or an exec's TTY; dockerode's resize takes the size as h/w. */
interface Resizable {
  resize: (size: { h: number, w: number }) => Promise<unknown>
}

/**
 * Sizes a TTY to the presenter's terminal now and again on every resize; returns the remover.
 * A failed resize is harmless (the process ended meanwhile), so it is ignored.
 */
export async function followTerminalSize(call: Pick<CommandCall, 'context' | 'io'>, tty: Resizable): Promise<() => void> {
  const resize = (cols: number, rows: number) => tty.resize({ h: rows, w: cols }).catch(() => {})
  const removeListener = call.io.onResize((cols, rows) => { void resize(cols, rows) })
  await resize(call.context.cols, call.context.rows)
  return removeListener
}

/** The byte a terminal sends for Ctrl-C: through a TTY it is SIGINT for the foreground process. */
export const CTRL_C = '\x03'

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/**
 * POST /containers/{id}/wait?condition=next-exit, resolved once the daemon has registered the
 * wait (it flushes the headers then), so that a container started afterwards cannot exit
 * unseen. dockerode's wait() resolves only with the body, and its default condition
 * (not-running) answers 0 at once for a container that has not started yet.
 * `stopWaiting` closes the wait's connection, which stays open as long as the container runs
 * (a presenter who leaves `run -it` leaves it running); after the exit it does nothing.
 */
export function registerWait(docker: Docker, id: string): Promise<{ exited: Promise<{ StatusCode: number }>, stopWaiting: () => void }> {
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

/** "Error response from daemon: ..." on stderr, exit 1: how the CLI reports a refused call. */
export function daemonError(call: Pick<CommandCall, 'output'>, error: unknown): number {
  call.output.err(`Error response from daemon: ${daemonMessage(error)}\n`)
  return 1
}

/** The CLI's answer for a container that is not there, named as the step named it: exit 1. */
export function noSuchContainer(call: Pick<CommandCall, 'output'>, ref: string): number {
  call.output.err(`Error response from daemon: No such container: ${ref}\n`)
  return 1
}

/** Image present: fine. Missing: pull when online (as `docker run` does), else IMAGE_MISSING. */
export async function ensureImage(call: Omit<CommandCall, 'parsed'>, image: string, purpose: 'run' | 'helper'): Promise<void> {
  if (await undefinedIfNotFound(call.docker.getImage(image).inspect()))
    return
  const { familiar } = normalizeImageRef(image)
  if (call.context.offline || purpose === 'helper') {
    throw new DemoError('IMAGE_MISSING', `The image "${familiar}" is not on this engine${call.context.offline ? ' and the deck runs offline' : ''}${purpose === 'helper' ? ' (host steps run in a helper container of that image)' : ''}. ${pullWhileOnline(familiar)}`)
  }
  call.output.err(`Unable to find image '${familiar}' locally\n`)
  const code = await pullImage(call, image, 'stderr')
  if (code !== 0)
    throw new DemoError('IMAGE_MISSING', `The image "${familiar}" could not be pulled (see the output above).`)
}

/**
 * POST /images/create with the CLI's rendering: "latest: Pulling from library/alpine", a line
 * per layer updated in place, "Digest:", "Status:", then the full reference.
 */
export async function pullImage(call: Omit<CommandCall, 'parsed'>, image: string, to: 'stdout' | 'stderr'): Promise<number> {
  const { full, familiar, hasTag } = normalizeImageRef(image)
  const write = (text: string) => (to === 'stdout' ? call.output.out(text) : call.output.err(text))
  if (!hasTag)
    write('Using default tag: latest\n')
  const renderer = new PullProgressRenderer(call.context.cols)
  let stream: NodeJS.ReadableStream
  try {
    // The familiar name carries a tag or digest (":latest" when none was given), so the daemon
    // pulls that one image and not every tag of the repository.
    stream = await call.docker.pull(familiar, { abortSignal: call.context.signal }) as NodeJS.ReadableStream
  }
  catch (error) {
    // Cancelled before the daemon answered: 130 as below, not "This operation was aborted".
    if (call.context.signal.aborted)
      return 130
    return daemonError(call, error)
  }
  let failed: string | undefined
  await new Promise<void>((resolve) => {
    call.docker.modem.followProgress(stream, () => resolve(), (event: { error?: string, errorDetail?: { message?: string } }) => {
      if (event.error) {
        failed = event.errorDetail?.message ?? event.error
        return
      }
      // The renderer speaks terminal (cursor movement, \r): bypass the \n -> \r\n of plain text.
      const bytes = renderer.render(event).replace(/\n/g, '\r\n')
      if (to === 'stdout')
        call.output.tty(bytes)
      else
        call.io.write(bytes)
    })
  })
  if (failed) {
    call.output.err(`Error response from daemon: ${failed}\n`)
    return 1
  }
  if (call.context.signal.aborted)
    return 130
  write(`${full}\n`)
  return 0
}
