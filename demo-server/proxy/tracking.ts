/**
 * What went through the proxy: which run created which containers and execs (so that cancelling
 * a step can stop them), which images a deck brought in without a label (pulls and loads,
 * which cannot carry one), which tags it gave images of the presenter's, and what it refused
 * for which run. Pure bookkeeping; forgotten with
 * the proxy.
 */
import type { Refusal } from './refusals.ts'

export interface ProxyScope {
  deckId: string
  demoId: string
  runId: string
}

export interface CreatedByRun {
  containers: string[]
  execs: string[]
}

/** Refusals kept per run: enough to name the first few, bounded against a looping client. */
const MAX_REFUSALS_PER_RUN = 20

export class CreatedObjects {
  readonly #refusals = new Map<string, Refusal[]>()
  readonly #runs = new Map<string, { containers: Set<string>, execs: Set<string> }>()
  /** container id → deck id: the fast path for the run's own attach/wait/start. */
  readonly #containers = new Map<string, string>()
  readonly #execs = new Map<string, string>()
  readonly #images = new Map<string, string>()
  /** Tags the deck gave an image it did not create (`docker tag alpine mine:1`): reference →
   *  deck id. The tag is the deck's, the image stays the presenter's. */
  readonly #tags = new Map<string, string>()

  #run(runId: string): { containers: Set<string>, execs: Set<string> } {
    let run = this.#runs.get(runId)
    if (!run) {
      run = { containers: new Set(), execs: new Set() }
      this.#runs.set(runId, run)
    }
    return run
  }

  addContainer(scope: ProxyScope, id: string): void {
    this.#containers.set(id, scope.deckId)
    this.#run(scope.runId).containers.add(id)
  }

  addExec(scope: ProxyScope, id: string): void {
    this.#execs.set(id, scope.deckId)
    this.#run(scope.runId).execs.add(id)
  }

  addImage(deckId: string, imageId: string): void {
    this.#images.set(imageId, deckId)
  }

  addTag(deckId: string, reference: string): void {
    this.#tags.set(reference, deckId)
  }

  forgetTag(reference: string): void {
    this.#tags.delete(reference)
  }

  isDeckTag(deckId: string, reference: string): boolean {
    return this.#tags.get(reference) === deckId
  }

  forgetContainer(id: string): void {
    this.#containers.delete(id)
    for (const run of this.#runs.values())
      run.containers.delete(id)
  }

  isDeckContainer(deckId: string, id: string): boolean {
    return this.#containers.get(id) === deckId
  }

  isDeckExec(deckId: string, id: string): boolean {
    return this.#execs.get(id) === deckId
  }

  isDeckImage(deckId: string, imageId: string): boolean {
    return this.#images.get(imageId) === deckId
  }

  addRefusal(runId: string, refusal: Refusal): void {
    const list = this.#refusals.get(runId) ?? []
    if (list.length < MAX_REFUSALS_PER_RUN)
      list.push(refusal)
    this.#refusals.set(runId, list)
  }

  refusedFor(runId: string): Refusal[] {
    return [...this.#refusals.get(runId) ?? []]
  }

  createdBy(runId: string): CreatedByRun {
    const run = this.#runs.get(runId)
    return { containers: [...run?.containers ?? []], execs: [...run?.execs ?? []] }
  }
}
