/**
 * A stand-in DemoEngine for what the real engine cannot produce on demand: an engine that
 * never stops, a crash at an exact moment, output of an exact size at once. Understands `echo`,
 * `sleep`, `head -c N` (N bytes of `x`, 64 KiB per event-loop turn) and `exit N` at the end of a command
 * line; nothing else. Like the demo's shell, it shows the prompt and the typed line first.
 */
import type { DemoEngine, StepIO, StepRunContext, StepResult } from '../../demo-server/engine/types'
import type { Step } from '../../demo-server/deck/model'
import type { NotRemoved } from '../../demo-server/protocol'

export interface FakeEngineOptions {
  /** Ignore the abort signal (a stuck engine call). */
  ignoreAbort?: boolean
  available?: boolean
  /** What a reset of this scope leaves behind (a real engine: e.g. a network someone else uses). */
  notRemoved?: (scope: { deckId: string, demoId?: string }) => NotRemoved[]
}

export function createFakeEngine(options: FakeEngineOptions = {}): DemoEngine & { calls: string[], resets: number } {
  const calls: string[] = []
  const engine = {
    calls,
    resets: 0,
    status: async () => options.available === false
      ? { available: false, message: 'fake engine is down' }
      : { available: true, version: 'fake', apiVersion: '1.41' },
    runStep: async (step: Step, context: StepRunContext, io: StepIO): Promise<StepResult> => {
      calls.push(step.command)
      io.write(`${step.prompt}${step.command}\r\n`)
      const sleep = /\bsleep (\d+(?:\.\d+)?)/.exec(step.command)
      if (sleep && !/\s-d\s/.test(step.command)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Number(sleep[1]) * 1000)
          if (!options.ignoreAbort)
            context.signal.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
        })
        if (context.signal.aborted)
          return { exitCode: 137 }
      }
      const head = /\bhead -c (\d+)/.exec(step.command)
      for (let left = Number(head?.[1] ?? 0); left > 0; left -= 64 * 1024) {
        io.write('x'.repeat(Math.min(left, 64 * 1024)))
        await new Promise(resolve => setImmediate(resolve)) // as a process would: sockets get a turn
      }
      const echo = /\becho ([^;']*)/.exec(step.command)
      if (echo)
        io.write(`${echo[1].trim()}\r\n`)
      const exit = /\bexit (\d+)/.exec(step.command)
      return { exitCode: exit ? Number(exit[1]) : 0 }
    },
    reset: async (scope: { deckId: string, demoId?: string }) => {
      engine.resets += 1
      return { removed: { containers: 0, networks: 0, volumes: 0 }, notRemoved: options.notRemoved?.(scope) ?? [] }
    },
    close: async () => {},
  }
  return engine
}
