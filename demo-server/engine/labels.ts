/** Labels on everything a demo creates: reset, prune and rm act only on what carries them. */
export const LABEL_PREFIX = 'org.docker-demo'
export const DECK_LABEL = `${LABEL_PREFIX}.deck`
export const DEMO_LABEL = `${LABEL_PREFIX}.demo`
export const RUN_LABEL = `${LABEL_PREFIX}.run`
/** Marks the short-lived helper containers that run host steps. */
export const HELPER_LABEL = `${LABEL_PREFIX}.helper`

export function demoLabels(deckId: string, demoId: string, runId: string): Record<string, string> {
  return { [DECK_LABEL]: deckId, [DEMO_LABEL]: demoId, [RUN_LABEL]: runId }
}

/** The environment variable the proxy adds to every exec it creates (value: the run's id): an
 *  exec's process outlives its connection (docs/engine-notes.md), and its children inherit the
 *  variable, so a cancelled step can find and kill the whole tree from a second exec. */
export const EXEC_MARK_VARIABLE = 'DOCKER_DEMO_EXEC'

export function execMark(runId: string): string {
  return `${EXEC_MARK_VARIABLE}=${runId}`
}

/** Label filters for reset and prune: the deck, and the demo when given. */
export function scopeFilters(deckId: string, demoId?: string): string[] {
  const filters = [`${DECK_LABEL}=${deckId}`]
  if (demoId)
    filters.push(`${DEMO_LABEL}=${demoId}`)
  return filters
}
