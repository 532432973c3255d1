/** A deck of one demo written inline in a test: its fence holds `lines`, so the first step is
 *  on line 4 of the deck, as messages name it. */
import type { Step } from '../../demo-server/deck/model'
import { parseDeck } from '../../demo-server/deck/parse'

export function demoSource(lines: readonly string[], id = 'd'): string {
  return `<DockerDemo id="${id}">\n\n\`\`\`sh\n${lines.join('\n')}\n\`\`\`\n\n</DockerDemo>\n`
}

/** The steps of such a demo, through the real parser. */
export function stepsOf(...lines: string[]): Step[] {
  return parseDeck(demoSource(lines), 'deck.md').demos[0].steps
}
