/** The file-system edge of the deck parser. */
import { readFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import type { CliSpecs } from '../docker-cli/cli-flags/cli-spec.ts'
import type { Deck } from './model.ts'
import { parseDeck } from './parse.ts'

export const DEFAULT_DECK = 'slides.md'

/** Reads and parses a deck. Locations use the path relative to the working directory, as
 *  editors and terminals print it (`slides.md:42`). */
export async function loadDeck(path: string = DEFAULT_DECK, clis: CliSpecs = {}): Promise<Deck> {
  const absolute = resolve(path)
  let source: string
  try {
    source = await readFile(absolute, 'utf8')
  }
  catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new Error(code === 'ENOENT'
      ? `deck "${path}" not found: pass the path of a Slidev markdown file (default ${DEFAULT_DECK})`
      : `cannot read deck "${path}": ${(error as Error).message}`)
  }
  const shown = relative(process.cwd(), absolute)
  return parseDeck(source, shown && !shown.startsWith('..') ? shown : path, clis)
}
