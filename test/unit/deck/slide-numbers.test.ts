/** Which slide a demo is on, as Slidev numbers them (demo-server/deck/parse.ts, numberSlides). */
import { describe, expect, it } from 'vitest'
import { loadDeck } from '../../../demo-server/deck/load'
import { parseDeck } from '../../../demo-server/deck/parse'
import { demoSource } from '../../support/inline-deck'

const demo = (id: string) => demoSource(['docker ps'], id)

describe('slide numbers', () => {
  it('count separators as Slidev does: headmatter, per-slide frontmatter, fences holding ---', () => {
    const source = [
      '---', 'title: t', '---', '', '# one', '', demo('first'), '',
      '---', 'layout: section', '---', '', '# two', '',
      '---', '', '# three', '', '```yaml', '---', 'a: 1', '```', '', demo('third'), '',
    ].join('\n')
    const deck = parseDeck(source, 'deck.md')
    expect(deck.demos.map(d => [d.id, d.slide])).toEqual([['first', 1], ['third', 3]])
  })

  it('are right in the seed deck, where slides carry their own frontmatter', async () => {
    const deck = await loadDeck('slides.md')
    // The first demo, and what a newcomer found by hand in Slidev: slide 7.
    expect(deck.demos.find(d => d.id === 'review-basics')?.slide).toBe(7)
    expect(deck.demos.every(d => d.slide !== undefined)).toBe(true)
    const slides = deck.demos.map(d => d.slide!)
    expect(slides).toEqual([...slides].sort((a, b) => a - b))
  })
})
