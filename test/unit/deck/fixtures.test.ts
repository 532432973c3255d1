/**
 * One snapshot per fixture deck. Broken fixtures plant their problems and say where with
 * `<!-- expect-problem: LINE: text -->`; the check must find exactly those.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkDeck } from '../../../demo-server/deck/check'
import { formatProblem } from '../../../demo-server/deck/model'
import { parseDeck } from '../../../demo-server/deck/parse'

const FIXTURES = join(import.meta.dirname, '../../fixtures/decks')
const EXPECT = /<!-- expect-problem: (\d+): (.*?) -->/g

function analyse(name: string) {
  const file = `test/fixtures/decks/${name}`
  const source = readFileSync(join(FIXTURES, name), 'utf8')
  const deck = parseDeck(source, file)
  const problems = checkDeck(deck)
  const expected = [...source.matchAll(EXPECT)].map(([, line, text]) => ({ line: Number(line), text }))
  return { source, deck, problems, expected }
}

const fixtures = readdirSync(FIXTURES).filter(name => name.endsWith('.md')).sort()

describe('deck fixtures', () => {
  it('has fixtures, broken and sound', () => {
    expect(fixtures.filter(name => name.startsWith('broken-')).length).toBeGreaterThanOrEqual(4)
    expect(fixtures.filter(name => !name.startsWith('broken-')).length).toBeGreaterThanOrEqual(2)
  })

  for (const name of fixtures) {
    it(`${name} parses to its snapshot`, async () => {
      const { deck, problems } = analyse(name)
      const model = {
        demos: deck.demos.map(demo => ({
          id: demo.id,
          line: demo.loc.line,
          uses: demo.uses,
          steps: demo.steps.map(step => ({
            line: step.loc.line,
            target: step.target,
            prompt: step.prompt,
            command: step.command,
            ...(step.capture ? { capture: step.capture } : {}),
            ...(step.entersContainer !== undefined ? { entersContainer: step.entersContainer } : {}),
            ...(Object.keys(step.options).length > 0 ? { options: step.options } : {}),
          })),
        })),
        problems: problems.map(formatProblem),
      }
      await expect(`${JSON.stringify(model, null, 2)}\n`).toMatchFileSnapshot(`__snapshots__/${basename(name, '.md')}.json`)
    })

    if (name.startsWith('broken-')) {
      it(`${name}: the check finds exactly the planted problems`, () => {
        const { problems, expected } = analyse(name)
        expect(expected.length).toBeGreaterThan(0)
        for (const { line, text } of expected) {
          const found = problems.find(p => p.loc.line === line && p.message.includes(text))
          expect(found, `expected "${text}" on line ${line}; got:\n${problems.map(formatProblem).join('\n')}`).toBeDefined()
        }
        expect(problems.map(formatProblem)).toHaveLength(expected.length)
      })
    }
    else {
      it(`${name}: the check finds nothing`, () => {
        expect(analyse(name).problems.map(formatProblem)).toEqual([])
      })
    }
  }
})
