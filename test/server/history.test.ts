/**
 * The history late joiners replay: held once, bounded per run and per demo, cut visibly, and
 * serialized once per change however many windows ask (pure; the run manager with the fake
 * engine where a whole run is needed).
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseDeck } from '../../demo-server/deck/parse'
import type { RunStartedMessage, SnapshotMessage } from '../../demo-server/protocol'
import { DemoHistory, outputCutNotice } from '../../demo-server/server/history'
import { RunManager } from '../../demo-server/server/run-manager'
import { createFakeEngine } from './fake-engine'
import { FIXTURES } from './helpers'

function started(runId: string): RunStartedMessage {
  return { type: 'run-started', runId, demoId: 'd', step: 1, command: 'c', prompt: '$ ', interactive: false, header: { version: 2, width: 80, height: 24, timestamp: 0 } }
}

describe('demo history', () => {
  it('keeps a run\'s output up to its cap, then ends its record with a visible cut notice', () => {
    const history = new DemoHistory('d', { maxBytesPerRun: 10, maxBytesPerDemo: 100, maxRuns: 10 })
    const run = history.start(started('r1'))
    run.append([0.1, 'o', '12345'])
    run.append([0.2, 'o', '67890'])
    run.append([0.3, 'o', 'abc']) // over the cap
    run.append([0.4, 'o', 'é']) // counted in UTF-8 bytes, and cut although it would fit: once cut, cut for good
    const [record] = history.snapshot().runs
    expect(record.cutBytes).toBe(5)
    expect(record.events).toEqual([[0.1, 'o', '12345'], [0.2, 'o', '67890'], [0.4, 'o', outputCutNotice(5)]])
    expect(outputCutNotice(5)).toContain('[… output cut: 5 bytes not kept …]')
    expect(history.keptBytes).toBe(10)
  })

  it('caps the demo across runs and frees the budget of runs it forgets', () => {
    const history = new DemoHistory('d', { maxBytesPerRun: 10, maxBytesPerDemo: 15, maxRuns: 2 })
    history.start(started('r1')).append([0, 'o', '0123456789'])
    const second = history.start(started('r2'))
    second.append([0, 'o', '01234'])
    second.append([0, 'o', 'x'])
    expect(history.snapshot().runs.map(r => r.cutBytes)).toEqual([undefined, 1])
    history.start(started('r3')).append([0, 'o', '0123456789']) // r1 is forgotten: its 10 bytes are free again
    expect(history.snapshot().runs.map(r => r.started.runId)).toEqual(['r2', 'r3'])
    expect(history.keptBytes).toBe(15)
  })

  it('serializes the snapshot once per change, the same bytes for every window', () => {
    const history = new DemoHistory('d')
    const run = history.start(started('r1'))
    run.append([0, 'o', 'hello'])
    const frame = history.snapshotFrame()
    expect(history.snapshotFrame()).toBe(frame) // the same buffer, not an equal copy
    expect(JSON.parse(frame.toString()) as SnapshotMessage).toEqual(history.snapshot())
    run.append([1, 'o', ' world'])
    const next = history.snapshotFrame()
    expect(next).not.toBe(frame)
    expect((JSON.parse(next.toString()) as SnapshotMessage).runs[0].events.map(e => e[2]).join('')).toBe('hello world')
    // The snapshot references the stored events: no copy of the output per snapshot.
    expect(history.snapshot().runs[0].events).toBe(history.snapshot().runs[0].events)
  })

  it('bounds a whole demo run through the run manager, cut notice included', async () => {
    const deck = parseDeck(await readFile(path.join(FIXTURES, 'flood.md'), 'utf8'), 'flood.md')
    await using runs = new RunManager({
      engine: createFakeEngine(),
      deck: () => deck,
      deckId: 'test',
      workdir: '/tmp',
      offline: true,
      historyLimits: { maxBytesPerRun: 600_000, maxBytesPerDemo: 2_000_000 },
    })
    const ended = await runs.run('big').done
    expect(ended.map(e => e.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok'])
    const records = runs.snapshot('big').runs
    const kept = records.map(r => r.events.slice(0, r.cutBytes ? -1 : undefined).reduce((n, e) => n + Buffer.byteLength(e[2]), 0))
    expect(kept.every(n => n <= 600_000)).toBe(true)
    expect(kept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2_000_000)
    for (const [i, record] of records.entries()) {
      const printed = Buffer.byteLength(`$ ${record.started.command}\r\n`) + 1_000_000
      expect(record.cutBytes).toBe(printed - kept[i])
      expect(record.events.at(-1)?.[2]).toBe(outputCutNotice(printed - kept[i]))
    }
  })
})
