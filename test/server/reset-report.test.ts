/**
 * A reset that cannot remove everything: `npm run demo -- reset` removes what it can, prints
 * each object it could not remove with the daemon's reason, and exits 1. On the real engine,
 * with a container of someone else on the deck's network (the daemon answers 403).
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import Docker from 'dockerode'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyServerMessage, createClientState } from '../../components/demo-state'
import { parseDeck } from '../../demo-server/deck/parse'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import type { DemoEngine } from '../../demo-server/engine/types'
import type { NotRemoved } from '../../demo-server/protocol'
import { deckIdOf } from '../../demo-server/server/demo-server'
import type { RunEvent } from '../../demo-server/server/run-manager'
import { RunManager } from '../../demo-server/server/run-manager'
import { createFakeEngine } from './fake-engine'
import type { Sandbox } from './helpers'
import { FIXTURES, realEngine, sandbox } from './helpers'

const ROOT = path.resolve(import.meta.dirname, '../..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const CLI = path.join(ROOT, 'demo-server/cli/demo.ts')
const docker = new Docker()
const sfx = randomUUID().slice(0, 8)
const NET = `held-net-${sfx}`
const FOREIGN = `foreign-${sfx}`

const DECK = `# Reset report fixture

<DockerDemo id="netted">

\`\`\`sh
docker network create ${NET}
docker volume create keep-${sfx}
docker run -d --name member-${sfx} --network ${NET} -v keep-${sfx}:/data alpine sleep infinity
\`\`\`

</DockerDemo>
`

let box: Sandbox
let engine: DemoEngine
let deck: string

beforeAll(async () => {
  engine = await realEngine()
  box = await sandbox()
  deck = path.join(box.dir, 'held.md')
  await writeFile(deck, DECK)
}, 30_000)

afterAll(async () => {
  await docker.getContainer(FOREIGN).remove({ force: true }).catch(() => {})
  await engine?.reset({ deckId: deckIdOf(deck) }).catch(() => {})
  await engine?.close()
  await box?.[Symbol.asyncDispose]()
})

function demo(...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [CLI, ...args], { cwd: box.dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
  })
}

describe('demo reset, when an object cannot go', () => {
  it('removes the rest, names the network and why, exits 1, and leaves the foreign container alone', async () => {
    expect((await demo('run', 'netted', 'held.md')).code).toBe(0)
    // No deck label: someone else's container, which the deck must neither remove nor disconnect.
    const foreign = await docker.createContainer({ name: FOREIGN, Image: 'alpine:latest', Cmd: ['sleep', 'infinity'], HostConfig: { NetworkMode: NET } })
    await foreign.start()

    const { code, stdout, stderr } = await demo('reset', 'held.md')
    expect(stdout).toContain('Reset the whole deck: removed 1 containers, 0 networks, 1 volumes.')
    expect(stderr).toContain('Reset of the whole deck is incomplete: 1 object of the deck could not be removed.')
    expect(stderr).toMatch(new RegExp(`^  network "${NET}": error while removing network: network ${NET} id \\w+ has active endpoints; still used by ${FOREIGN} \\(not created by this deck\\)\\. .*docker network disconnect ${NET} ${FOREIGN}`, 'm'))
    expect(code).toBe(1)

    const label = `${DECK_LABEL}=${deckIdOf(deck)}`
    expect(await docker.listContainers({ all: true, filters: { label: [label] } })).toEqual([])
    expect((await docker.listVolumes({ filters: { label: [label] } })).Volumes ?? []).toEqual([])
    const inspected = await foreign.inspect()
    expect(inspected.State.Running).toBe(true)
    expect(Object.keys(inspected.NetworkSettings.Networks)).toEqual([NET])

    await foreign.remove({ force: true })
    const again = await demo('reset', 'held.md')
    expect(again.stdout).toContain('Reset the whole deck: removed 0 containers, 1 networks, 0 volumes.')
    expect(again.code).toBe(0)
  }, 90_000)
})

describe('the reset report on the wire', () => {
  const held = (demoId: string): NotRemoved => ({ kind: 'network', name: `${demoId}-net`, reason: 'has active endpoints' })

  it('names what the demos using this one left behind too, and the slide shows it as RESET_INCOMPLETE', async () => {
    const deck = parseDeck(await readFile(path.join(FIXTURES, 'demos.md'), 'utf8'), 'demos.md')
    // "after" uses "hello": resetting hello resets after first.
    const engine = createFakeEngine({ notRemoved: scope => scope.demoId ? [held(scope.demoId)] : [] })
    const runs = new RunManager({ engine, deck: () => deck, deckId: 'test', workdir: '/tmp', offline: true })
    const events: RunEvent[] = []
    runs.onEvent(event => events.push(event))

    const done = await runs.reset('hello')
    expect(done).toEqual({ type: 'reset-done', demoId: 'hello', removed: { containers: 0, networks: 0, volumes: 0 }, notRemoved: [held('after'), held('hello')] })
    expect(events.filter(e => e.type === 'reset-done').map(e => e.type === 'reset-done' && e.notRemoved?.length)).toEqual([1, 2])

    const state = createClientState()
    applyServerMessage(state, { type: 'error', code: 'BUSY', message: 'old news', demoId: 'hello' })
    applyServerMessage(state, done)
    expect(state.demos.hello.errors).toEqual([{ code: 'RESET_INCOMPLETE', message: 'Reset left network "after-net": has active endpoints; network "hello-net": has active endpoints' }])

    // A complete reset carries no notRemoved and clears the slide's errors.
    const clean = await new RunManager({ engine: createFakeEngine(), deck: () => deck, deckId: 'test', workdir: '/tmp', offline: true }).reset()
    expect(clean).toEqual({ type: 'reset-done', removed: { containers: 0, networks: 0, volumes: 0 } })
    applyServerMessage(state, clean)
    expect(state.demos.hello.errors).toEqual([])
  })
})
