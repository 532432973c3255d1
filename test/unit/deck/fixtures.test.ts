/**
 * One snapshot per fixture deck, the same against every captured CLI (test/fixtures/docker-help),
 * with the captured compose v1 for `docker-compose` lines.
 * Broken fixtures plant their problems and say where with `<!-- expect-problem: LINE: text -->`;
 * the check must find exactly those, with each CLI.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkDeck } from '../../../demo-server/deck/check'
import { formatProblem } from '../../../demo-server/deck/model'
import { parseDeck } from '../../../demo-server/deck/parse'
import { fixedShellFacts } from '../../../demo-server/shell/facts'
import type { CliSpec } from '../../../demo-server/docker-cli/cli-flags/cli-spec'
import { CAPTURED_SPECS, capturedSpec } from '../../fixtures/docker-help/captured'

const FIXTURES = join(import.meta.dirname, '../../fixtures/decks')
const EXPECT = /<!-- expect-problem: (\d+): (.*?) -->/g

const COMPOSE = capturedSpec('1.29', 'docker-compose')
/** A presenter's machine: these programs on PATH, and GREETING in the environment. */
const FIXTURE_FACTS = fixedShellFacts({ programs: ['curl', 'cat', 'grep', 'head', 'wc', 'tr', 'sort', 'mkdir', 'ls', 'sed', 'printf', 'xargs', 'tee', 'sleep', 'seq', 'awk', 'cut', 'env', 'test', 'touch', 'rm', 'tar', 'jq', 'timeout', 'echo', 'true', 'false', 'whoami'], variables: ['GREETING'] })

function analyse(name: string, cli: CliSpec) {
  const file = `test/fixtures/decks/${name}`
  const source = readFileSync(join(FIXTURES, name), 'utf8')
  const deck = parseDeck(source, file, { 'docker': cli, 'docker-compose': COMPOSE })
  const problems = checkDeck(deck, { 'docker': cli, 'docker-compose': COMPOSE }, FIXTURE_FACTS)
  const expected = [...source.matchAll(EXPECT)].map(([, line, text]) => ({ line: Number(line), text }))
  return { source, deck, problems, expected }
}

const fixtures = readdirSync(FIXTURES).filter(name => name.endsWith('.md')).sort()

describe('deck fixtures', () => {
  it('has captured CLIs to check against', () => {
    expect(CAPTURED_SPECS.map(cli => cli.version.split('.')[0]).sort()).toEqual(['20', '28'])
  })

  it('has fixtures, broken and sound', () => {
    expect(fixtures.filter(name => name.startsWith('broken-')).length).toBeGreaterThanOrEqual(4)
    expect(fixtures.filter(name => !name.startsWith('broken-')).length).toBeGreaterThanOrEqual(2)
  })

  for (const name of fixtures) {
    it(`${name} parses to its snapshot, the same with each CLI`, async () => {
      const models = CAPTURED_SPECS.map(cli => modelOf(analyse(name, cli)))
      for (const model of models.slice(1))
        expect(model).toEqual(models[0])
      await expect(`${JSON.stringify(models[0], null, 2)}\n`).toMatchFileSnapshot(`__snapshots__/${basename(name, '.md')}.json`)
    })

    for (const cli of CAPTURED_SPECS) {
      if (name.startsWith('broken-')) {
        it(`${name}: the check finds exactly the planted problems (docker ${cli.version})`, () => {
          const { problems, expected } = analyse(name, cli)
          expect(expected.length).toBeGreaterThan(0)
          for (const { line, text } of expected) {
            const found = problems.find(p => p.loc.line === line && p.message.includes(text))
            expect(found, `expected "${text}" on line ${line}; got:\n${problems.map(formatProblem).join('\n')}`).toBeDefined()
          }
          expect(problems.map(formatProblem)).toHaveLength(expected.length)
        })
      }
      else {
        it(`${name}: the check finds nothing (docker ${cli.version})`, () => {
          expect(analyse(name, cli).problems.map(formatProblem)).toEqual([])
        })
      }
    }
  }
})

function modelOf({ deck, problems }: ReturnType<typeof analyse>) {
  return {
    demos: deck.demos.map(demo => ({
      id: demo.id,
      line: demo.loc.line,
      uses: demo.uses,
      steps: demo.steps.map(step => ({
        line: step.loc.line,
        target: step.target,
        prompt: step.prompt,
        command: step.command,
        ...(step.opensTerminal ? { opensTerminal: true } : {}),
        ...(Object.keys(step.options).length > 0 ? { options: step.options } : {}),
      })),
      ...(demo.files.length > 0 ? { files: demo.files } : {}),
    })),
    problems: problems.map(formatProblem),
  }
}
