import { describe, expect, it } from 'vitest'
import { FIXTURE_DECK } from '../../browser/harness'
import { loadDeckRecordings, recordingsReport } from '../../../demo-server/recordings/deck-recordings'
import { cutRows, renderStep } from '../../../demo-server/recordings/handout'

const step = (data: string[]) => ({ index: 1, command: 'echo x', prompt: '$ ', commandHash: '0', outcome: 'ok' as const, exitCode: 0, start: 0, duration: 1, events: data.map((d, i) => [i, 'o', d] as [number, 'o', string]) })

describe('handout: a step\'s final output as HTML', () => {
  it('keeps colours and Japanese as text, escaped; a step that printed nothing shows its line', async () => {
    const html = (await renderStep(step(['\x1B[32m見る\x1B[0m <b>\r\n']), 40)).html
    expect(html).not.toContain('$ ')
    expect(html).toMatch(/<span style='color: #[0-9a-f]{6};'>見る<\/span>/)
    expect(html).toContain('&lt;b>')
    const silent = (await renderStep(step([]), 40)).html
    expect(silent.replace(/<[^>]+>/g, '')).toContain('$ ')
  })

  it('applies \\r rewrites as the terminal did, and drops the blank rows at the end', async () => {
    const rendered = await renderStep(step(['$ echo x\r\n', '10%\r100%\r\n', '\r\n\r\n']), 40)
    expect(rendered.html.replace(/<[^>]+>/g, '|').split('|').map(s => s.trim()).filter(Boolean)).toEqual(['$ echo x', '100%'])
  })

  it('cuts long output in the middle, keeping the head and the tail, and says how much', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `<div><span>${i}</span></div>`)
    const { rows: kept, cut } = cutRows(rows, 12, 4)
    expect(cut).toBe(19)
    expect(kept).toHaveLength(12)
    expect(kept[7]).toContain('19 行省略 (19 lines cut)')
    expect(kept.at(-1)).toContain('29')
    const long = await renderStep(step([Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\r\n')]), 40)
    expect(long.cut).toBeGreaterThan(80)
    expect(long.html).toContain('line 99')
  })
})

describe('the fixture deck\'s recordings', () => {
  it('are read, checked against the deck, and what is missing is named with the command', async () => {
    const data = await loadDeckRecordings(FIXTURE_DECK, false)
    expect(data.serverBuilt).toBe(false)
    expect(Object.keys(data.recordings).sort()).toEqual(['fails', 'hello'])
    expect(data.recordings.fails.stale).toEqual([])
    expect(data.recordings.fails.handout.map(s => s.outcome)).toEqual(['ok', 'expected-failure'])
    expect(data.missing).toEqual(['tty'])
    expect(recordingsReport(data)).toEqual(['no recording for tty: npm run rehearse -- --only tty'])
    data.recordings.hello.stale = [{ index: 1, reason: 'command-changed' }]
    expect(recordingsReport(data)).toContain('stale recording for hello (the deck changed since): npm run rehearse -- --only hello')
  })
})
