import type { FeedRun } from '../../components/terminal-feed'
import { describe, expect, it } from 'vitest'
import { EMPTY_FEED, headerLine, planFeed } from '../../components/terminal-feed'

const run = (runId: string, events: string[], extra: Partial<FeedRun> = {}): FeedRun =>
  ({ runId, prompt: '$ ', command: `echo ${runId}`, events: events.map((d, i) => [i, 'o', d]), ...extra })

describe('planFeed: what the terminal is written', () => {
  it('writes only what is new as a run grows', () => {
    const a = run('a', ['$ echo a\r\n'])
    const first = planFeed(EMPTY_FEED, [a])
    expect(first).toMatchObject({ reset: false, data: '$ echo a\r\n' })
    a.events.push([1, 'o', 'a\r\n'])
    expect(planFeed(first.next, [a])).toMatchObject({ reset: false, data: 'a\r\n' })
  })

  it('starts over when the runs are replaced (a snapshot, a reset, a switch to the recording)', () => {
    const first = planFeed(EMPTY_FEED, [run('a', ['$ echo a\r\n', 'a'])])
    const replaced = planFeed(first.next, [run('a', ['$ echo a\r\n', 'a'])])
    expect(replaced).toMatchObject({ reset: true, data: '$ echo a\r\na' })
    expect(planFeed(first.next, [])).toMatchObject({ reset: true, data: '' })
  })

  it('shows the shell\'s own prompt and echo as they come; a run that printed nothing gets its line', () => {
    const pending = run('b', [])
    const waiting = planFeed(EMPTY_FEED, [pending])
    expect(waiting.data).toBe('') // its prompt and echo may still come
    pending.events.push([0, 'o', '$ '], [0.01, 'o', 'echo b\r\n'], [0.02, 'o', 'b\r\n'])
    expect(planFeed(waiting.next, [pending]).data).toBe('$ echo b\r\nb\r\n')
    expect(planFeed(EMPTY_FEED, [run('c', [], { ended: true })]).data).toBe(headerLine(run('c', [])))
  })

  it('starts each run on a line of its own and keeps later runs waiting for earlier ones', () => {
    const a = run('a', ['$ echo a\r\n', 'no newline'])
    const b = run('b', ['$ echo b\r\n'])
    expect(planFeed(EMPTY_FEED, [a, b]).data).toBe('$ echo a\r\nno newline\r\n$ echo b\r\n')
    const quiet = run('q', [])
    const plan = planFeed(EMPTY_FEED, [quiet, b])
    expect(plan.data).toBe('')
    quiet.ended = true
    expect(planFeed(plan.next, [quiet, b]).data).toBe(`${headerLine(quiet)}$ echo b\r\n`)
  })
})
