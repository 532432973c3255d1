import type { RunRecord } from '../../demo-server/protocol'
import type { Clock } from '../../components/replay'
import { describe, expect, it } from 'vitest'
import { delayUntil, entriesDue, ReplayPlayer, replayTimeline } from '../../components/replay'
import { ended, started } from './fixtures'

function record(step: number, times: number[], outcome: 'ok' | 'failed' = 'ok'): RunRecord {
  const runId = `rec-${step}`
  return { started: started(runId, step), events: times.map(t => [t, 'o', `${step}@${t}\r\n`]), ended: ended(runId, step, outcome) }
}

/** A clock the test moves by hand. */
function manualClock() {
  let now = 0
  let pending: { at: number, fn: () => void } | undefined
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => (pending = { at: now + ms, fn }),
    clearTimeout: (handle) => { if (pending === handle) pending = undefined },
  }
  const advance = (ms: number) => {
    const until = now + ms
    while (pending && pending.at <= until) {
      const { at, fn } = pending
      pending = undefined
      now = at
      fn()
    }
    now = until
  }
  return { clock, advance }
}

const shown = (player: ReplayPlayer) => player.runs.map(r => r.events.map(e => e[2].trim()))

describe('replay timeline', () => {
  it('plays runs one after another, with a gap between steps and long pauses capped', () => {
    const timeline = replayTimeline([record(1, [0, 0.5, 10]), record(2, [0, 0.2])], 1.5, 0.6)
    expect(timeline.map(e => +e.at.toFixed(3))).toEqual([0, 0.5, 2, 2.6, 2.8])
    expect(entriesDue(timeline, 0.5)).toBe(2)
    expect(entriesDue(timeline, 2.59)).toBe(3)
    expect(delayUntil(timeline, 3, 2, 2)).toBeCloseTo(300)
    expect(delayUntil(timeline, 5, 3, 1)).toBeUndefined()
  })
})

describe('ReplayPlayer', () => {
  it('shows events at their recorded times, and each run\'s outcome only once all of it has shown', () => {
    const { clock, advance } = manualClock()
    const player = new ReplayPlayer([record(1, [0, 1]), record(2, [0])], clock)
    expect(shown(player)).toEqual([['1@0']])
    player.play()
    advance(999)
    expect(shown(player)).toEqual([['1@0']])
    expect(player.runs[0].ended).toBeUndefined()
    advance(1)
    expect(shown(player)).toEqual([['1@0', '1@1']])
    expect(player.runs[0].ended?.outcome).toBe('ok')
    advance(600)
    expect(shown(player)).toEqual([['1@0', '1@1'], ['2@0']])
    expect(player.done).toBe(true)
  })

  it('plays faster at a higher speed, also when changed mid-way', () => {
    const { clock, advance } = manualClock()
    const player = new ReplayPlayer([record(1, [0, 1, 2])], clock)
    player.play()
    advance(500)
    player.setSpeed(4)
    advance(125) // 0.5 s + 0.125 s × 4 = 1 s of recording
    expect(shown(player)[0]).toEqual(['1@0', '1@1'])
    advance(250)
    expect(shown(player)[0]).toEqual(['1@0', '1@1', '1@2'])
    expect(player.done).toBe(true)
  })

  it('skips to the end at once, and starts over on restart', () => {
    const { clock, advance } = manualClock()
    const player = new ReplayPlayer([record(1, [0, 5]), record(2, [0, 3], 'failed')], clock)
    player.play()
    player.skipToEnd()
    expect(shown(player)).toEqual([['1@0', '1@5'], ['2@0', '2@3']])
    expect(player.runs.map(r => r.ended?.outcome)).toEqual(['ok', 'failed'])
    expect(player.done).toBe(true)
    advance(60_000) // no timer left behind
    player.restart()
    expect(shown(player)).toEqual([['1@0']])
    expect(player.state).toBe('playing')
  })

  it('shows a run without output (a skipped step) with its outcome when its turn comes', () => {
    const { clock, advance } = manualClock()
    const player = new ReplayPlayer([record(1, [0, 1]), record(2, []), record(3, [0])], clock)
    player.play()
    expect(player.runs).toHaveLength(1)
    advance(1000)
    expect(player.runs.map(r => [r.step, r.ended?.outcome])).toEqual([[1, 'ok'], [2, 'ok']])
    advance(1200) // a gap after each step, the empty one too
    expect(player.runs.map(r => [r.step, r.ended?.outcome])).toEqual([[1, 'ok'], [2, 'ok'], [3, 'ok']])
  })

  it('stops its timer when paused or disposed', () => {
    const { clock, advance } = manualClock()
    const player = new ReplayPlayer([record(1, [0, 1])], clock)
    player.play()
    player.dispose()
    advance(5000)
    expect(shown(player)).toEqual([['1@0']])
  })
})
