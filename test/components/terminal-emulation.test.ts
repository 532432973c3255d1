/**
 * What the deck's terminal makes of the bytes our server and recordings carry. The slides use
 * xterm.js (components/TerminalView.vue) and the handout its headless build with the same
 * parser (demo-server/recordings/handout.ts); these pin the cases the deck depends on.
 */
import headless from '@xterm/headless'
import { describe, expect, it } from 'vitest'
import { planFeed, EMPTY_FEED } from '../../components/terminal-feed'

const { Terminal } = headless

async function screen(data: string | string[], cols = 80): Promise<string[]> {
  const term = new Terminal({ cols, rows: 24, scrollback: 1000, allowProposedApi: true })
  for (const chunk of [data].flat())
    await new Promise<void>(resolve => term.write(chunk, resolve))
  const buffer = term.buffer.active
  const lines = Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)!.translateToString(true).trimEnd())
  while (lines.length && lines.at(-1) === '')
    lines.pop()
  term.dispose()
  return lines
}

describe('the terminal applies what the demo server sends', () => {
  it('overwrites a line on a bare \\r, as progress output does', async () => {
    expect(await screen('Downloading 10%\rDownloading 55%\rDownloaded     \r\n')).toEqual(['Downloaded'])
    expect(await screen('abcdef\rxy\x1B[K')).toEqual(['xy'])
  })

  it('handles escapes split across chunks', async () => {
    expect(await screen(['\x1B', '[3', '1mred\x1B[', '0m ok'])).toEqual(['red ok'])
  })

  it('keeps Japanese in two cells each, so box drawing after it stays on the grid', async () => {
    const lines = await screen('│見る│\r\n│abcd│\r\n')
    expect(lines).toEqual(['│見る│', '│abcd│'])
    const term = new Terminal({ cols: 20, rows: 5, allowProposedApi: true })
    await new Promise<void>(resolve => term.write('│見る│', resolve))
    expect(term.buffer.active.cursorX).toBe(6) // same column as after │abcd│
    term.dispose()
  })

  it('shows runs fed by planFeed one after another, each under its own command', async () => {
    const plan = planFeed(EMPTY_FEED, [
      { runId: 'a', prompt: '$ ', command: 'echo a', events: [[0, 'o', '$ echo a\r\n'], [0.1, 'o', 'a']], ended: true },
      { runId: 'b', prompt: '$ ', command: 'true', events: [], ended: true },
    ])
    expect(await screen(plan.data)).toEqual(['$ echo a', 'a', '$ true'])
  })
})
