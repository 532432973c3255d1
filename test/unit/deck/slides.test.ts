/** The deck the workshop gives passes its own check. */
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkDeck } from '../../../demo-server/deck/check'
import { loadDeck } from '../../../demo-server/deck/load'
import { formatProblem } from '../../../demo-server/deck/model'

describe('slides.md', () => {
  it('exists and has demos', async () => {
    expect(existsSync('slides.md'), 'slides.md is missing at the repository root').toBe(true)
    const deck = await loadDeck('slides.md')
    expect(deck.demos.length).toBeGreaterThan(10)
  })

  it('passes the deck check', async () => {
    const deck = await loadDeck('slides.md')
    expect(checkDeck(deck).map(formatProblem)).toEqual([])
  })
})
