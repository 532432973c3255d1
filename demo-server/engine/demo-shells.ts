/**
 * The shells of a deck's demos, one bash per demo (demo-shell.ts), each with its own door into
 * the proxy, so that what it creates is labelled with its demo and run even while other demos
 * run. A demo's shell starts with its first line after a reset, from the state of the demos it
 * `uses` (their variables, functions, aliases and directory: shell/rc.ts keeps them); a shell
 * that exited is started again from its own last state.
 */
import fs from 'node:fs'
import type { EngineProxy, ProxyDoor, ProxyScope } from '../proxy/index.ts'
import { shellEnvironment } from '../shell/environment.ts'
import { DemoShell } from './demo-shell.ts'
import type { ShellFiles } from './shell-files.ts'
import type { StepRunContext } from './types.ts'

export interface DemoShellsParts {
  files: ShellFiles
  proxy: EngineProxy
  bash: string
}

interface Entry {
  shell: DemoShell
  door: ProxyDoor
  scope: ProxyScope
}

const keyOf = (deckId: string, demoId: string): string => `${deckId}\0${demoId}`

export class DemoShells {
  readonly #entries = new Map<string, Entry>()
  readonly #starting = new Map<string, Promise<Entry>>()

  constructor(private readonly parts: DemoShellsParts) {}

  /** The demo's shell, scoped to the context's run from now on; started when it has none. */
  async forRun(context: StepRunContext): Promise<DemoShell> {
    const key = keyOf(context.deckId, context.demoId)
    let entry = this.#entries.get(key)
    if (entry?.shell.exited) {
      this.#entries.delete(key)
      await this.#close(entry)
      entry = undefined
    }
    entry ??= await this.#start(key, context)
    entry.scope = { deckId: context.deckId, demoId: context.demoId, runId: context.runId }
    entry.shell.resize(context.cols, context.rows)
    return entry.shell
  }

  /** A reset (of the deck, or one demo): the shells end, and their state is forgotten. */
  async closeScope(scope: { deckId: string, demoId?: string }): Promise<void> {
    const closing: Array<Promise<void>> = []
    for (const [key, entry] of this.#entries) {
      if (scope.demoId === undefined ? key.startsWith(`${scope.deckId}\0`) : key === keyOf(scope.deckId, scope.demoId)) {
        this.#entries.delete(key)
        closing.push(this.#close(entry))
      }
    }
    await Promise.all(closing)
    this.parts.files.forget(scope.deckId, scope.demoId)
  }

  async closeAll(): Promise<void> {
    const entries = [...this.#entries.values()]
    this.#entries.clear()
    await Promise.all(entries.map(entry => this.#close(entry)))
  }

  #start(key: string, context: StepRunContext): Promise<Entry> {
    let starting = this.#starting.get(key)
    if (!starting) {
      starting = this.#open(context).finally(() => this.#starting.delete(key))
      this.#starting.set(key, starting)
      void starting.then(entry => this.#entries.set(key, entry), () => {})
    }
    return starting
  }

  async #open(context: StepRunContext): Promise<Entry> {
    const { files, proxy, bash } = this.parts
    const own = files.stateFile(context.deckId, context.demoId)
    const inherit = fs.existsSync(own)
      ? [own]
      : context.uses.map(id => files.stateFile(context.deckId, id)).filter(file => fs.existsSync(file))
    const scope: ProxyScope = { deckId: context.deckId, demoId: context.demoId, runId: context.runId }
    const entry = { scope } as Entry
    entry.door = await proxy.openDoor(() => entry.scope)
    try {
      entry.shell = await DemoShell.start({
        bash,
        rcFile: files.rcFile,
        env: shellEnvironment(process.env, { dockerHost: entry.door.dockerHost, binDir: files.binDir, inputrc: files.inputrc, stateFile: own, inherit }),
        cwd: context.workdir,
        cols: context.cols,
        rows: context.rows,
      })
    }
    catch (error) {
      await entry.door.close()
      throw error
    }
    return entry
  }

  async #close(entry: Entry): Promise<void> {
    await entry.shell.close()
    await entry.door.close()
  }
}
