/**
 * A StepRunContext for runs outside the server (engine tests, the benchmark): offline, no
 * presenter terminal, 80x24. Free of vitest so that `bench/` can import it under plain tsx.
 */
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import type { StepRunContext } from '../../demo-server/engine/types'

export function plainRunContext(scope: Pick<StepRunContext, 'deckId' | 'demoId'> & Partial<StepRunContext>): StepRunContext {
  return {
    runId: randomUUID().slice(0, 8),
    uses: [],
    workdir: os.tmpdir(),
    typingMs: 0,
    offline: true,
    interactive: false,
    cols: 80,
    rows: 24,
    signal: new AbortController().signal,
    ...scope,
  }
}
