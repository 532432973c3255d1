/**
 * The run manager's rules, with a fake engine: these tests are about sequencing and judging,
 * which do not depend on what Docker does (the socket and run tests use the real engine).
 * The fake also produces what the engine cannot on demand: a call that ignores its abort.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseDeck } from '../../demo-server/deck/parse'
import type { RunEvent } from '../../demo-server/server/run-manager'
import { dependentsOf, RunManager } from '../../demo-server/server/run-manager'
import { createFakeEngine } from './fake-engine'
import { FIXTURES } from './helpers'

async function manager(options: { offline?: boolean, ignoreAbort?: boolean, maxConcurrentRuns?: number } = {}) {
  const deck = parseDeck(await readFile(path.join(FIXTURES, 'demos.md'), 'utf8'), 'demos.md')
  const engine = createFakeEngine({ ignoreAbort: options.ignoreAbort })
  let clock = 0
  const runs = new RunManager({
    engine,
    deck: () => deck,
    deckId: 'test',
    workdir: '/tmp',
    offline: options.offline ?? true,
    maxConcurrentRuns: options.maxConcurrentRuns,
    stopGraceMs: 200,
    monotonicMs: () => (clock += 250),
    wallClockMs: () => 1_700_000_000_000,
  })
  const events: RunEvent[] = []
  runs.onEvent(event => events.push(event))
  return { runs, engine, events }
}

describe('run manager', () => {
  it('starting a demo over first resets the demos that use it, the most dependent first', async () => {
    const { runs, events } = await manager()
    await runs.run('after').done
    events.length = 0
    await runs.run('hello').done
    const resets = events.filter(e => e.type === 'reset-done').map(e => e.type === 'reset-done' && e.demoId)
    expect(resets).toEqual(['after', 'hello'])
  })

  it('finds dependents through chains of uses', () => {
    const deck = parseDeck([
      ['base', ''], ['mid', 'base'], ['top', 'mid'], ['other', ''],
    ].map(([id, uses]) => `<DockerDemo id="${id}"${uses ? ` uses="${uses}"` : ''}>\n\n\`\`\`sh\ndocker ps\n\`\`\`\n\n</DockerDemo>\n`).join('\n'), 'chain.md')
    expect(deck.problems).toEqual([])
    expect(dependentsOf(deck, 'base')).toEqual(['top', 'mid'])
    expect(dependentsOf(deck, 'other')).toEqual([])
  })

  it('finds dependents in a deck whose uses form a cycle (a problem, yet it loads)', () => {
    const deck = parseDeck([
      ['a', 'b'], ['b', 'a'], ['self', 'self'],
    ].map(([id, uses]) => `<DockerDemo id="${id}" uses="${uses}">\n\n\`\`\`sh\ndocker ps\n\`\`\`\n\n</DockerDemo>\n`).join('\n'), 'cycle.md')
    expect(dependentsOf(deck, 'a')).toEqual(['b'])
    expect(dependentsOf(deck, 'self')).toEqual([])
  })

  it('runs every step in order, its output as the engine shows it (the shell\'s prompt and echo first)', async () => {
    const { runs, events } = await manager()
    const ended = await runs.run('hello').done
    expect(ended.map(e => [e.step, e.outcome])).toEqual([[1, 'ok'], [2, 'ok']])
    const started = events.find(e => e.type === 'run-started')!
    expect(started).toMatchObject({ demoId: 'hello', step: 1, prompt: '$ ', header: { version: 2, width: 100, height: 12, timestamp: 1_700_000_000, title: 'hello step 1' } })
    const outputs = events.filter(e => e.type === 'output')
    expect(outputs[0]).toMatchObject({ event: [0.25, 'o', '$ docker run --rm alpine echo hello\r\n'] })
    expect(outputs[1]).toMatchObject({ event: [0.5, 'o', 'hello\r\n'] })
    // Step 1 again resets the demo (after the demos that use it) before anything runs.
    const firstRun = events.findIndex(e => e.type === 'run-started')
    expect(events.slice(0, firstRun).filter(e => e.type === 'reset-done').at(-1)).toMatchObject({ type: 'reset-done', demoId: 'hello' })
  })

  it('a step that must fail may fail by running past its timeout; its text still has to match', async () => {
    const { runs } = await manager()
    const ended = await runs.run('slow-on-purpose').done
    expect(ended.map(e => e.outcome)).toEqual(['expected-failure', 'timeout'])
  })

  it('runs a later step of a demo on its own once the steps before it ran, and the steps before it first otherwise', async () => {
    const { runs } = await manager()
    expect((await runs.run('fails', { step: 2 }).done).map(e => e.step)).toEqual([1, 2])
    expect((await runs.run('fails', { step: 2 }).done).map(e => e.step)).toEqual([2])
    expect((await runs.run('fails', { step: 3 }).done).map(e => e.step)).toEqual([3])
  })

  it('stops at the first unexpected failure and judges expect-fail by its text', async () => {
    const { runs } = await manager()
    const ended = await runs.run('fails').done
    expect(ended.map(e => e.outcome)).toEqual(['expected-failure', 'failed'])
    expect(ended[1].error).toMatchObject({ code: 'STEP_FAILED', message: expect.stringContaining('exited with 4') })
  })

  it('keeps captures as variables, skips online steps offline and shown-only steps always', async () => {
    const { runs } = await manager()
    const ended = await runs.run('capture').done
    expect(ended.map(e => e.outcome)).toEqual(['ok', 'ok', 'skipped', 'skipped'])
  })

  it('runs a dependency that has not completed first, and not again once it has', async () => {
    const { runs, engine } = await manager()
    const first = runs.run('after')
    expect(first.demos).toEqual(['hello', 'after'])
    expect((await first.done).map(e => `${e.demoId}#${e.step}`)).toEqual(['hello#1', 'hello#2', 'after#1'])
    engine.calls.length = 0
    expect(runs.run('after').demos).toEqual(['after'])
  })

  it('refuses a second run of a busy demo, too many runs, and ids not in the deck', async () => {
    const { runs } = await manager({ maxConcurrentRuns: 2 })
    const sleeper = runs.run('sleeper')
    expect(() => runs.run('sleeper')).toThrow(expect.objectContaining({ code: 'BUSY' }))
    runs.run('slow')
    expect(() => runs.run('hello')).toThrow(expect.objectContaining({ code: 'TOO_MANY_RUNS' }))
    expect(() => runs.run('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_DEMO', message: expect.stringContaining('hello, sleeper') }))
    expect(() => runs.run('hello', { step: 9 })).toThrow(expect.objectContaining({ code: 'UNKNOWN_STEP' }))
    await new Promise(resolve => setTimeout(resolve, 20))
    await runs.close()
    expect((await sleeper.done).map(e => e.outcome)).toEqual(['cancelled'])
  })

  it('ends a cancelled run even when the engine call never returns', async () => {
    const { runs } = await manager({ ignoreAbort: true })
    const sequence = runs.run('sleeper')
    await new Promise(resolve => setTimeout(resolve, 20))
    runs.cancel('sleeper')
    expect((await sequence.done).map(e => e.outcome)).toEqual(['cancelled'])
    expect(runs.isRunning('sleeper')).toBe(false)
  })

  it('keeps the history since the last reset for late joiners', async () => {
    const { runs } = await manager()
    await runs.run('hello').done
    expect(runs.snapshot('hello').runs.map(r => r.ended?.outcome)).toEqual(['ok', 'ok'])
    await runs.run('hello', { step: 2 }).done
    expect(runs.snapshot('hello').runs).toHaveLength(3)
    await runs.reset('hello')
    expect(runs.snapshot('hello').runs).toEqual([])
  })

  it('refuses a reset while another one that overlaps it is under way (BUSY)', async () => {
    const { runs } = await manager()
    const whole = runs.reset()
    await expect(runs.reset('hello')).rejects.toMatchObject({ code: 'BUSY', message: expect.stringContaining('whole deck') })
    await whole
    const one = runs.reset('hello')
    await expect(runs.reset()).rejects.toMatchObject({ code: 'BUSY', message: expect.stringContaining('"hello"') })
    await one
    await runs.reset()
  })
})

describe('run manager, engine misbehaving', () => {
  // Only a fake can throw synchronously or never return; the real engine does neither on cue.
  it('turns an engine that throws synchronously into an error outcome', async () => {
    const { runs, engine } = await manager()
    engine.runStep = () => {
      throw new Error('boom')
    }
    const ended = await runs.run('hello', { step: 1 }).done
    expect(ended).toMatchObject([{ outcome: 'error', error: { code: 'INTERNAL', message: 'boom' } }])
    expect(runs.isRunning('hello')).toBe(false)
  })
})
