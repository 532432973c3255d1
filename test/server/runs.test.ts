/**
 * Runs on the real engine, watched by several windows: every window gets the same bytes, a late
 * joiner gets everything through its snapshot, and cancel, timeout and a vanished presenter
 * really stop the process in its container.
 */
import Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { DEMO_LABEL } from '../../demo-server/engine/labels'
import type { ServerMessage, SnapshotMessage } from '../../demo-server/protocol'
import { connect, deckContainers, fixtureServerPerFile, isEnded, isStarted, outputOf, record, sandbox, start, until } from './helpers'

const env = fixtureServerPerFile()

/** Containers of one demo of this deck that are running. */
async function running(demoId: string) {
  return (await deckContainers(env.server.demo.deckId)).filter(c => c.Labels[DEMO_LABEL] === demoId && c.State === 'running')
}

describe('runs', () => {
  it('streams identical bytes to two windows, and everything to a late joiner', async () => {
    await using presenter = await connect(env.server)
    await using projector = await connect(env.server, false)
    const seenByPresenter = record(presenter)
    const seenByProjector = record(projector)
    projector.send({ type: 'subscribe', demoId: 'hello' })
    await projector.next(m => m.type === 'snapshot')

    // The late joiner arrives while step 2 is between its two bursts of output.
    const firstBurst = presenter.next(m => m.type === 'output' && m.event[2].includes('3'), 30_000)
    const ended = presenter.next(isEnded('hello', 2), 30_000)
    presenter.control({ type: 'run', demoId: 'hello' })
    await firstBurst
    await using late = await connect(env.server, false)
    const seenByLate = record(late)
    late.send({ type: 'subscribe', demoId: 'hello' })
    expect((await ended).outcome).toBe('ok')
    // The end may reach the late joiner live or inside its snapshot.
    const endSeen = (messages: ServerMessage[]) => messages.some(m => isEnded('hello', 2)(m) || (m.type === 'snapshot' && m.runs.some(r => r.ended?.step === 2)))
    await until(async () => endSeen(seenByLate) && endSeen(seenByProjector), 10_000, 'every window seeing the end of step 2')

    const runIds = seenByPresenter.filter(isStarted('hello')).map(m => m.runId)
    expect(runIds).toHaveLength(2)
    const presenterBytes = runIds.map(id => outputOf(seenByPresenter, id))
    const lines = presenterBytes.map(bytes => bytes.replaceAll('\r\n', '\n'))
    expect(lines[0]).toBe('$ docker run --rm alpine echo hello\nhello\n')
    expect(lines[1]).toContain('1\n2\n3\n')
    expect(lines[1]).toContain('4\n5\n6\n')
    expect(runIds.map(id => outputOf(seenByProjector, id))).toEqual(presenterBytes)

    // The late joiner: snapshot first (with step 1 whole and step 2 begun), then live events.
    const snapshot = seenByLate.find((m): m is SnapshotMessage => m.type === 'snapshot')!
    expect(snapshot.runs.map(r => r.started.step)).toEqual([1, 2])
    expect(snapshot.runs[0].ended?.outcome).toBe('ok')
    const lateBytes = runIds.map((id) => {
      const fromSnapshot = snapshot.runs.find(r => r.started.runId === id)?.events.map(e => e[2]).join('') ?? ''
      return fromSnapshot + outputOf(seenByLate, id)
    })
    expect(lateBytes).toEqual(presenterBytes)
    // Event times are seconds since the run started, never decreasing.
    const times = seenByPresenter.filter((m): m is Extract<ServerMessage, { type: 'output' }> => m.type === 'output' && m.runId === runIds[1]).map(m => m.event[0])
    expect([...times].sort((a, b) => a - b)).toEqual(times)
    expect(times.at(-1)!).toBeGreaterThan(0.2)
  }, 60_000)

  it('cancel stops the process in the container', async () => {
    await using presenter = await connect(env.server)
    const started = presenter.next(isStarted('sleeper', 1), 30_000)
    const ended = presenter.next(isEnded('sleeper', 1), 60_000)
    presenter.control({ type: 'run', demoId: 'sleeper' })
    await started
    await until(async () => (await running('sleeper')).length === 1, 30_000, 'the sleeper container running')
    presenter.control({ type: 'cancel', demoId: 'sleeper' })
    expect((await ended).outcome).toBe('cancelled')
    await until(async () => (await running('sleeper')).length === 0, 15_000, 'the sleeper container stopping')
  }, 90_000)

  it('a step that runs past its timeout is stopped in the container', async () => {
    await using presenter = await connect(env.server)
    const ended = presenter.next(isEnded('slow', 1), 60_000)
    const since = Date.now()
    presenter.control({ type: 'run', demoId: 'slow' })
    const end = await ended
    expect(end.outcome).toBe('timeout')
    expect(Date.now() - since).toBeLessThan(20_000)
    await until(async () => (await running('slow')).length === 0, 15_000, 'the slow container stopping')
  }, 90_000)

  it('reports expected failures and stops at the first unexpected one', async () => {
    await using presenter = await connect(env.server)
    const seen = record(presenter)
    const failed = presenter.next(isEnded('fails', 2), 60_000)
    presenter.control({ type: 'run', demoId: 'fails' })
    expect(await failed).toMatchObject({ outcome: 'failed', exitCode: 4, error: { code: 'STEP_FAILED' } })
    expect(seen.filter(isEnded('fails')).map(m => m.outcome)).toEqual(['expected-failure', 'failed'])
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(seen.some(isStarted('fails', 3))).toBe(false)
  }, 60_000)

  it('BUSY while a demo runs; captures feed later steps', async () => {
    await using presenter = await connect(env.server)
    const ended = presenter.next(isEnded('capture', 4), 60_000)
    const second = presenter.next(isEnded('capture', 2), 60_000)
    const seen = record(presenter)
    presenter.control({ type: 'run', demoId: 'capture' })
    presenter.control({ type: 'run', demoId: 'capture' })
    expect(await presenter.nextError()).toMatchObject({ code: 'BUSY', demoId: 'capture' })
    expect((await second).outcome).toBe('ok')
    expect(outputOf(seen, (await second).runId)).toContain('true')
    expect((await ended).outcome).toBe('skipped')

    // From step 1 again: what the demo made (the named container) is removed first, so the
    // name is free; the old runs leave the history.
    const reset = presenter.next(m => m.type === 'reset-done' && m.demoId === 'capture', 30_000)
    const again = presenter.next(isEnded('capture', 1), 60_000)
    presenter.control({ type: 'run', demoId: 'capture', step: 1 })
    expect(await reset).toMatchObject({ removed: { containers: 1 } })
    expect((await again).outcome).toBe('ok')
    expect(env.server.demo.manager.snapshot('capture').runs).toHaveLength(1)
  }, 60_000)
})

describe('an interactive run', () => {
  it('is cancelled when the last window disconnects: what runs in the shell stops, no extra container', async () => {
    // A server of its own: the other tests' windows must not keep it company.
    await using own = await sandbox()
    await using alone = await start(own.deck, { engine: env.engine })
    await using _cleanup = { [Symbol.asyncDispose]: async () => void await env.engine.reset({ deckId: alone.demo.deckId }) }
    const docker = new Docker()
    const presenter = await connect(alone)
    const ready = presenter.next(isEnded('shell', 1), 60_000)
    presenter.control({ type: 'run', demoId: 'shell', step: 1 })
    expect((await ready).outcome).toBe('ok')
    const before = await deckContainers(alone.demo.deckId)
    const shellBox = before.find(c => c.Labels[DEMO_LABEL] === 'shell')!
    expect(shellBox).toBeDefined()

    const started = presenter.next(isStarted('shell', 2), 30_000)
    presenter.control({ type: 'run', demoId: 'shell', step: 2, interactive: true, cols: 100, rows: 30 })
    const run = await started
    expect(run.interactive).toBe(true)
    // As the presenter does: type once the shell shows its prompt.
    await presenter.next(m => m.type === 'output' && m.runId === run.runId && m.event[2].includes('#'), 30_000)
    presenter.control({ type: 'input', runId: run.runId, data: 'echo typed-$((6*7))\r' })
    await presenter.next(m => m.type === 'output' && m.runId === run.runId && m.event[2].includes('typed-42'), 30_000)
    presenter.control({ type: 'resize', runId: run.runId, cols: 120, rows: 40 })
    const processes = async () => {
      const top = await docker.getContainer(shellBox.Id).top() as { Titles: string[], Processes: string[][] }
      return top.Processes.map(p => p[top.Titles.indexOf('CMD')])
    }
    presenter.control({ type: 'input', runId: run.runId, data: 'sleep 777\r' })
    await until(async () => (await processes()).includes('sleep 777'), 15_000, 'sleep 777 starting in the shell')
    await presenter.close()

    // Cancel is Ctrl-C in the shell (engine/README.md): the sleep ends; the shell stays open
    // for the demo's next `/ #` line, until the demo goes on or is reset.
    await until(async () => !(await processes()).includes('sleep 777'), 15_000, 'sleep 777 ending after the last window left')
    const after = await deckContainers(alone.demo.deckId)
    expect(after.map(c => c.Id).sort()).toEqual(before.map(c => c.Id).sort())
    await until(async () => !alone.demo.manager.isRunning('shell'), 15_000, 'the run ending')
  }, 90_000)
})
