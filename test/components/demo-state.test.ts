import type { ServerMessage } from '../../demo-server/protocol'
import { describe, expect, it } from 'vitest'
import { eventsText } from '../../components/terminal-feed'
import {
  applyServerMessage,
  createClientState,
  isRunning,
  MAX_ERRORS,
  nextStep,
  outcomeText,
  stepStates,
} from '../../components/demo-state'
import { ended, helloDemo, output, started, status } from './fixtures'

function reduce(messages: ServerMessage[]) {
  const state = createClientState()
  for (const m of messages)
    applyServerMessage(state, m)
  return state
}

const textOf = (state: ReturnType<typeof reduce>, i = 0) =>
  eventsText(state.demos.hello.runs[i].events).trimEnd()

describe('demo state: live events', () => {
  it('builds a run from run-started, output and run-ended', () => {
    const state = reduce([
      status(),
      { type: 'snapshot', demoId: 'hello', runs: [] },
      started('r1', 1),
      output('r1', 'hel'),
      output('r1', 'lo\n'),
      ended('r1', 1, 'ok'),
    ])
    const view = state.demos.hello
    expect(view.synced).toBe(true)
    expect(view.runs).toHaveLength(1)
    expect(textOf(state)).toBe('hello')
    expect(view.runs[0].ended?.outcome).toBe('ok')
    expect(isRunning(view)).toBe(false)
  })

  it('drops output for a run it never saw start (the snapshot will carry it)', () => {
    const state = reduce([output('ghost', 'x'), ended('ghost', 1, 'ok')])
    expect(state.demos.hello).toBeUndefined()
  })

  it('ignores a repeated run-started', () => {
    const state = reduce([started('r1', 1), output('r1', 'a'), started('r1', 1)])
    expect(state.demos.hello.runs).toHaveLength(1)
    expect(textOf(state)).toBe('a')
  })
})

describe('demo state: late join', () => {
  it('takes the snapshot as the truth, then appends live output to a run still going', () => {
    const state = reduce([
      status(),
      // Stale local view from before a reconnect: the snapshot must replace it, not add to it.
      started('old', 1),
      output('old', 'stale\n'),
      {
        type: 'snapshot',
        demoId: 'hello',
        runs: [
          { started: started('r1', 1), events: [[0.1, 'o', 'hello\r\n']], ended: ended('r1', 1, 'ok') },
          { started: started('r2', 2), events: [[0.1, 'o', 'PING nowhere']] },
        ],
      },
      output('r2', '\r\nping: bad address\r\n', 0.2),
      ended('r2', 2, 'expected-failure', 1),
    ])
    const view = state.demos.hello
    expect(view.runs.map(r => r.runId)).toEqual(['r1', 'r2'])
    expect(textOf(state, 0)).toBe('hello')
    expect(textOf(state, 1)).toBe('PING nowhere\nping: bad address')
    expect(view.runs[1].ended?.outcome).toBe('expected-failure')
  })

  it('does not share event arrays with the snapshot message', () => {
    const events: [number, 'o', string][] = [[0, 'o', 'a']]
    const state = reduce([{ type: 'snapshot', demoId: 'hello', runs: [{ started: started('r1', 1), events }] }, output('r1', 'b')])
    expect(events).toHaveLength(1)
    expect(state.demos.hello.runs[0].events).toHaveLength(2)
  })
})

describe('demo state: reset and errors', () => {
  it('clears one demo on its reset-done, every demo on a deck reset', () => {
    const state = reduce([started('r1', 1), started('x1', 1, 'other'), { type: 'reset-done', demoId: 'hello', removed: { containers: 1, networks: 0, volumes: 0 } }])
    expect(state.demos.hello.runs).toEqual([])
    expect(state.demos.other.runs).toHaveLength(1)
    applyServerMessage(state, { type: 'reset-done', removed: { containers: 0, networks: 0, volumes: 0 } })
    expect(state.demos.other.runs).toEqual([])
  })

  it('files coded errors under their demo, or globally, keeping the last few', () => {
    const state = reduce([
      { type: 'error', code: 'BUSY', message: 'hello is already running', demoId: 'hello', request: 'run' },
      { type: 'error', code: 'BAD_JSON', message: 'not JSON' },
    ])
    expect(state.demos.hello.errors).toEqual([{ code: 'BUSY', message: 'hello is already running' }])
    expect(state.errors).toEqual([{ code: 'BAD_JSON', message: 'not JSON' }])
    for (let i = 0; i < 10; i++)
      applyServerMessage(state, { type: 'error', code: 'INTERNAL', message: `n${i}` })
    expect(state.errors).toHaveLength(MAX_ERRORS)
    expect(state.errors.at(-1)?.message).toBe('n9')
  })
})

describe('demo state: derived views', () => {
  it('walks the steps for "Run next step" and colours the chips', () => {
    const state = reduce([status()])
    expect(nextStep(state.demos.hello, helloDemo)).toBe(1)
    applyServerMessage(state, started('r1', 1))
    expect(stepStates(state.demos.hello, helloDemo)).toEqual(['running', 'pending', 'pending', 'pending'])
    applyServerMessage(state, ended('r1', 1, 'ok'))
    applyServerMessage(state, started('r2', 2))
    applyServerMessage(state, ended('r2', 2, 'expected-failure', 1))
    expect(nextStep(state.demos.hello, helloDemo)).toBe(3)
    expect(stepStates(state.demos.hello, helloDemo)).toEqual(['ok', 'expected-failure', 'pending', 'pending'])
    applyServerMessage(state, started('r4', 4))
    expect(nextStep(state.demos.hello, helloDemo)).toBeUndefined()
    expect(nextStep(undefined, undefined)).toBeUndefined()
  })

  it('words outcomes with exit codes, reasons and coded errors', () => {
    expect(outcomeText(ended('r', 1, 'ok'))).toBe('ok')
    expect(outcomeText(ended('r', 2, 'expected-failure', 1))).toBe('expected failure — exit 1')
    expect(outcomeText(ended('r', 1, 'failed', 125))).toBe('failed — exit 125')
    expect(outcomeText(ended('r', 1, 'timeout', null))).toBe('timeout')
    expect(outcomeText({ ...ended('r', 1, 'error', null), error: { code: 'IMAGE_MISSING', message: 'No image "alpine". Pull it while you are online: docker pull alpine' } }))
      .toBe('error — IMAGE_MISSING: No image "alpine". Pull it while you are online: docker pull alpine')
    expect(outcomeText(ended('r', 3, 'skipped', null), helloDemo.steps[2])).toBe('skipped — 要インターネット (offline)')
    expect(outcomeText(ended('r', 4, 'skipped', null), helloDemo.steps[3])).toBe('skipped — shown only: Docker Desktop for Mac only')
    expect(outcomeText({ ...ended('r', 3, 'skipped', null), error: { code: 'NEEDS_INTERNET', message: 'needs the internet' } })).toBe('skipped — needs the internet')
  })
})
