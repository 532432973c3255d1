/**
 * Every demo of slides.md, run offline on the stand-in images through the demo server, exactly
 * as the slides run them (one server, deck order, over the WebSocket with the token). Each demo
 * must end acceptably and its output must show what the slide teaches. Unlabelled decoys made
 * first must survive every demo, every prune and the final reset.
 */
import { randomBytes } from 'node:crypto'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDeck } from '../../demo-server/deck/load'
import type { Deck } from '../../demo-server/deck/model'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import type { RunEndedMessage, ServerMessage } from '../../demo-server/protocol'
import { NodeDemoClient } from '../../demo-server/server/client'
import { ACCEPTABLE_OUTCOMES } from '../../demo-server/server/run-manager'
import type { StandaloneServer } from '../../demo-server/server/standalone'
import { startStandaloneServer } from '../../demo-server/server/standalone'
import { TEACHES } from './teaches'

const ENGINE_DOWN = 'The Docker engine does not answer: start it with `bash test/setup/dockerd.sh` and build the stand-ins with `bash test/images/build-standins.sh`.'
const stripAnsi = (text: string) => text.replace(/\x1B\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '')

interface StepResult {
  outcome: RunEndedMessage['outcome']
  output: string
  error?: string
}

const docker = new Docker()
const decoy = `decoy-${randomBytes(4).toString('hex')}`
let deck: Deck
let server: StandaloneServer
let client: NodeDemoClient

/** Runs a whole demo and returns each step's output and outcome, by step number. */
async function runDemo(demoId: string, steps: number): Promise<Map<number, StepResult>> {
  const results = new Map<number, StepResult>()
  const outputs = new Map<string, string>()
  const runStep = new Map<string, number>()
  const done = new Promise<void>((resolve, reject) => {
    const remove = client.onMessage((message: ServerMessage) => {
      if (message.type === 'run-started' && message.demoId === demoId) {
        runStep.set(message.runId, message.step)
        outputs.set(message.runId, '')
      }
      else if (message.type === 'output' && outputs.has(message.runId)) {
        outputs.set(message.runId, outputs.get(message.runId)! + message.event[2])
      }
      else if (message.type === 'run-ended' && message.demoId === demoId) {
        results.set(message.step, { outcome: message.outcome, output: stripAnsi(outputs.get(message.runId) ?? ''), error: message.error?.message })
        if (message.step === steps || !ACCEPTABLE_OUTCOMES.has(message.outcome)) {
          remove()
          resolve()
        }
      }
      else if (message.type === 'run-ended' && !ACCEPTABLE_OUTCOMES.has(message.outcome)) {
        remove()
        reject(new Error(`demo "${demoId}" needs "${message.demoId}", whose step ${message.step} ended ${message.outcome}: ${message.error?.message ?? ''}`))
      }
      else if (message.type === 'error' && message.demoId === demoId) {
        remove()
        reject(new Error(`demo "${demoId}" was refused: ${message.code}: ${message.message}`))
      }
    })
  })
  client.control({ type: 'run', demoId })
  await done
  return results
}

/** Resets the whole deck, or fails with the server's reason. */
async function resetDeck(): Promise<void> {
  client.control({ type: 'reset' })
  const answer = await client.next(m => (m.type === 'reset-done' && m.demoId === undefined) || (m.type === 'error' && m.request === 'reset'), 120_000)
  if (answer.type === 'error')
    throw new Error(`The deck reset was refused: ${answer.code}: ${answer.message}`)
}

beforeAll(async () => {
  try {
    await docker.ping()
  }
  catch (error) {
    throw new Error(`${ENGINE_DOWN} (${(error as Error).message})`)
  }
  deck = await loadDeck('slides.md')
  // Decoys: the presenter's own objects, which no demo, prune or reset may touch.
  await docker.createVolume({ Name: `${decoy}-vol` })
  await docker.createNetwork({ Name: `${decoy}-net` })
  const container = await docker.createContainer({ Image: 'alpine:latest', name: `${decoy}-ctr`, Cmd: ['sleep', '600'] })
  await container.start()
  server = await startStandaloneServer({ deckFile: 'slides.md', offline: true })
  client = await NodeDemoClient.connect(server.url, { token: server.token })
  if (!client.status.engine.available)
    throw new Error(`${ENGINE_DOWN} (${client.status.engine.message ?? ''})`)
  // Start from a clean deck: an interrupted earlier run may have left its objects behind.
  await resetDeck()
}, 180_000)

afterAll(async () => {
  if (client) {
    await resetDeck().catch(() => {})
    await client.close()
  }
  await server?.close()
  await docker.getContainer(`${decoy}-ctr`).remove({ force: true }).catch(() => {})
  await docker.getNetwork(`${decoy}-net`).remove().catch(() => {})
  await docker.getVolume(`${decoy}-vol`).remove().catch(() => {})
}, 180_000)

describe('slides.md demos on the stand-in images', () => {
  it('has a teaching assertion for every demo, and none for a demo that is gone', async () => {
    const ids = (await loadDeck('slides.md')).demos.map(demo => demo.id)
    expect(Object.keys(TEACHES).filter(id => !ids.includes(id))).toEqual([])
    expect(ids.filter(id => !(id in TEACHES))).toEqual([])
  })

  for (const [demoId, teaches] of Object.entries(TEACHES)) {
    it(`${demoId}: ${teaches.what}`, async () => {
      const demo = deck.demos.find(d => d.id === demoId)!
      const results = await runDemo(demoId, demo.steps.length)
      const transcript = [...results].map(([step, r]) => `--- step ${step}: ${r.outcome}${r.error ? ` (${r.error})` : ''}\n${r.output}`).join('\n')
      for (const step of demo.steps) {
        const result = results.get(step.index)
        expect(result, `step ${step.index} (${step.loc.file}:${step.loc.line}) never ended\n${transcript}`).toBeDefined()
        const expected = step.options.shownOnly || step.options.online ? 'skipped' : step.options.expectFail ? 'expected-failure' : 'ok'
        expect(result!.outcome, `step ${step.index} (${step.loc.file}:${step.loc.line}) ${step.command}\n${transcript}`).toBe(expected)
        // What every window gets: no shell-integration mark ever reaches one.
        expect(result!.output, 'an OSC 133 mark reached the windows').not.toContain('\x1B]133;')
      }
      for (const [step, pattern] of teaches.steps)
        expect(results.get(step)?.output, `step ${step} should show ${pattern}\n${transcript}`).toMatch(pattern)
      // The presenter's own objects are still there.
      await docker.getContainer(`${decoy}-ctr`).inspect()
      await docker.getNetwork(`${decoy}-net`).inspect()
      await docker.getVolume(`${decoy}-vol`).inspect()
    }, 240_000)
  }

  it('out of the deck\'s order too: last demo first, each ends as the deck says', async () => {
    await resetDeck()
    for (const demo of [...deck.demos].reverse()) {
      const results = await runDemo(demo.id, demo.steps.length)
      for (const step of demo.steps) {
        const expected = step.options.shownOnly || step.options.online ? 'skipped' : step.options.expectFail ? 'expected-failure' : 'ok'
        const result = results.get(step.index)
        expect(result?.outcome, `${demo.id} step ${step.index} (${step.loc.file}:${step.loc.line}) ${step.command}: ${result?.error ?? ''}\n${result?.output ?? ''}`).toBe(expected)
      }
    }
  }, 600_000)

  it('from a later step of a fresh deck: the steps and demos it needs run first, a shell variable among them', async () => {
    await resetDeck()
    const demo = deck.demos.find(d => d.id === 'docker-root')!
    const last = demo.steps.length
    expect(demo.steps[last - 1].command).toContain('$UPPER')
    const ended: RunEndedMessage[] = []
    let output = ''
    const done = new Promise<void>((resolve) => {
      const remove = client.onMessage((message: ServerMessage) => {
        if (message.type === 'output' && message.demoId === demo.id)
          output += message.event[2]
        if (message.type === 'run-ended') {
          ended.push(message)
          if ((message.demoId === demo.id && message.step === last) || !ACCEPTABLE_OUTCOMES.has(message.outcome)) {
            remove()
            resolve()
          }
        }
      })
    })
    client.control({ type: 'run', demoId: demo.id, step: last })
    await done
    expect(ended.map(e => `${e.demoId} ${e.step} ${e.outcome}`)).toEqual([
      ...deck.demos.find(d => d.id === 'diff-attach')!.steps.map(s => `diff-attach ${s.index} ok`),
      ...deck.demos.find(d => d.id === 'ps-size')!.steps.map(s => `ps-size ${s.index} ok`),
      ...demo.steps.map(s => `docker-root ${s.index} ok`),
    ])
    expect(stripAnsi(output)).toMatch(/big\.bin/)
  }, 240_000)

  it('a deck reset removes everything the demos made, and nothing else', async () => {
    await resetDeck()
    const left = await docker.listContainers({ all: true, filters: { label: [`${DECK_LABEL}=${server.demo.deckId}`] } })
    expect(left.map(c => c.Names[0])).toEqual([])
    const volumes = await docker.listVolumes({ filters: { label: [`${DECK_LABEL}=${server.demo.deckId}`] } })
    expect((volumes.Volumes ?? []).map(v => v.Name)).toEqual([])
    await docker.getContainer(`${decoy}-ctr`).inspect()
    await docker.getVolume(`${decoy}-vol`).inspect()
  }, 180_000)
})
