/**
 * The open shell sessions of a deck, one per demo at most: opened by a `run -it` / `exec -it` /
 * `attach` line, typed into by the demo's `/ #` lines, left (Ctrl-P Ctrl-Q) when the demo goes
 * on with a docker or host step, ended by a reset. Remembers how an ended one ended, so that a
 * `/ #` line after it can say which line to run again.
 */
import type { Step } from '../deck/model.ts'
import { DemoError } from '../protocol.ts'
import type { ShellSession } from './shell-session.ts'

export interface DemoKey {
  deckId: string
  demoId: string
}

interface Ended {
  step: Step
  why: string
}

const keyOf = ({ deckId, demoId }: DemoKey): string => `${deckId}\0${demoId}`

export class ShellSessions {
  readonly #open = new Map<string, ShellSession>()
  readonly #ended = new Map<string, Ended>()

  /** The demo's session from now on; an older one of the demo is left first. */
  async add(demo: DemoKey, session: ShellSession): Promise<void> {
    await this.leave(demo)
    const key = keyOf(demo)
    this.#open.set(key, session)
    this.#ended.delete(key)
    void session.exited.then((exit) => {
      if (this.#open.get(key) !== session)
        return
      this.#open.delete(key)
      this.#ended.set(key, { step: session.step, why: `ended (exit code ${exit.exitCode}: the shell exited, was left with Ctrl-P Ctrl-Q, or its container stopped)` })
    })
  }

  /** The open session a `/ # ...` step types into, or STEP_FAILED naming the line to run. */
  forStep(demo: DemoKey, step: Step): ShellSession {
    const key = keyOf(demo)
    const session = this.#open.get(key)
    if (session && !session.exit)
      return session
    const where = `Step ${step.index} (${step.loc.file}:${step.loc.line}, "${step.prompt}${step.command}")`
    const ended = this.#ended.get(key)
    if (ended)
      throw new DemoError('STEP_FAILED', `${where} types into the shell that line ${ended.step.loc.line} opened ("${ended.step.command}"), but that shell has ${ended.why}. Run line ${ended.step.loc.line} again, then this one.`)
    throw new DemoError('STEP_FAILED', `${where} types into a shell, but no shell of demo "${demo.demoId}" is open: run the line that opens it ("docker run -it", "docker exec -it" or "docker attach") first.`)
  }

  /** Before a docker or host step: the presenter leaves the shell first, as at home. */
  async leave(demo: DemoKey): Promise<void> {
    const key = keyOf(demo)
    const session = this.#open.get(key)
    if (!session)
      return
    this.#open.delete(key)
    this.#ended.set(key, { step: session.step, why: 'been left (Ctrl-P Ctrl-Q) for a later docker or host step' })
    await session.detach()
  }

  /** A reset (of the deck, or one demo): the sessions end and are forgotten. */
  async closeScope(scope: { deckId: string, demoId?: string }): Promise<void> {
    const prefix = scope.demoId === undefined ? `${scope.deckId}\0` : keyOf(scope as DemoKey)
    const matches = (key: string) => scope.demoId === undefined ? key.startsWith(prefix) : key === prefix
    const closing: Array<Promise<void>> = []
    for (const [key, session] of this.#open) {
      if (matches(key)) {
        this.#open.delete(key)
        closing.push(session.close())
      }
    }
    for (const key of this.#ended.keys()) {
      if (matches(key))
        this.#ended.delete(key)
    }
    await Promise.all(closing)
  }

  async closeAll(): Promise<void> {
    const sessions = [...this.#open.values()]
    this.#open.clear()
    this.#ended.clear()
    await Promise.all(sessions.map(session => session.close()))
  }
}
