/** The deck the workshop gives passes its own check. */
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkDeck } from '../../../demo-server/deck/check'
import { loadDeck } from '../../../demo-server/deck/load'
import { formatProblem } from '../../../demo-server/deck/model'
import { readShellFacts } from '../../../demo-server/shell/facts'
import { CAPTURED_SPECS } from '../../fixtures/docker-help/captured'

describe('slides.md', () => {
  it('exists and has demos', async () => {
    expect(existsSync('slides.md'), 'slides.md is missing at the repository root').toBe(true)
    const deck = await loadDeck('slides.md')
    expect(deck.demos.length).toBeGreaterThan(10)
  })

  it.each(CAPTURED_SPECS.map(cli => [cli.version, cli] as const))('passes the deck check against docker %s', async (_version, cli) => {
    const deck = await loadDeck('slides.md', { docker: cli })
    expect(checkDeck(deck, { docker: cli }, await readShellFacts()).map(formatProblem)).toEqual([])
  })
})
