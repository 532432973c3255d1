import type { SourceInput } from '../../components/demo-source'
import type { RunOutcome } from '../../demo-server/protocol'
import type { RunView } from '../../components/demo-state'
import { describe, expect, it } from 'vitest'
import { chooseSource, liveFailure } from '../../components/demo-source'
import { runFromRecord } from '../../components/demo-state'
import { ended, started } from './fixtures'

function run(step: number, outcome?: RunOutcome): RunView {
  return runFromRecord({ started: started(`r${step}`, step), events: [], ended: outcome ? ended(`r${step}`, step, outcome) : undefined })
}

const liveReady: SourceInput = { serverBuilt: true, connection: 'open', engineAvailable: true, hasRecording: true, running: false, flipped: false }

describe('chooseSource: when the recording takes over', () => {
  it('stays live when live works, and when there is nothing to fall back to', () => {
    expect(chooseSource(liveReady)).toEqual({ source: 'live' })
    expect(chooseSource({ ...liveReady, serverBuilt: false, hasRecording: false }).source).toBe('live')
  })

  it('replays in a static build, without a server and without an engine', () => {
    expect(chooseSource({ ...liveReady, serverBuilt: false, connection: undefined })).toEqual({ source: 'recording', reason: 'static build: no demo server' })
    expect(chooseSource({ ...liveReady, connection: 'unavailable' }).reason).toBe('demo server not available')
    expect(chooseSource({ ...liveReady, engineAvailable: false }).reason).toBe('Docker engine not available')
    // Still connecting: nothing decided yet, no replay started by a slow first answer.
    expect(chooseSource({ ...liveReady, connection: 'connecting', engineAvailable: undefined }).source).toBe('live')
  })

  it('replays once a live step ends badly, but not while a run is still going', () => {
    const failure = liveFailure([run(1, 'ok'), run(2, 'timeout')])
    expect(failure?.step).toBe(2)
    expect(chooseSource({ ...liveReady, failure })).toEqual({ source: 'recording', reason: 'live step 2 ended: timeout' })
    expect(chooseSource({ ...liveReady, failure, running: true }).source).toBe('live')
  })

  it('counts only unexpected endings, and only the latest: a good retry clears a failure', () => {
    for (const outcome of ['ok', 'expected-failure', 'cancelled', 'skipped'] as const)
      expect(liveFailure([run(1, outcome)])).toBeUndefined()
    for (const outcome of ['failed', 'unexpected-success', 'timeout', 'error'] as const)
      expect(liveFailure([run(1, outcome)])?.step).toBe(1)
    expect(liveFailure([run(1, 'failed'), run(1, 'ok')])).toBeUndefined()
    expect(liveFailure([run(1, 'failed'), run(2)])?.step).toBe(1)
  })

  it('lets R flip between the two, but never to live when live cannot work', () => {
    expect(chooseSource({ ...liveReady, flipped: true })).toEqual({ source: 'recording', reason: 'shown on request (R)' })
    expect(chooseSource({ ...liveReady, failure: run(1, 'failed'), flipped: true })).toEqual({ source: 'live' })
    expect(chooseSource({ ...liveReady, engineAvailable: false, flipped: true }).source).toBe('recording')
  })
})
