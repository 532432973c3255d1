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
