/** The deck touches only what it labelled: name conflicts, removals, reset. */
import { describe, expect, it } from 'vitest'
import { DemoError } from '../../demo-server/protocol'
import { DECOY_LABEL, docker, engineForThisFile, TestDemo } from './harness'

const env = engineForThisFile()
const sfx = Math.random().toString(36).slice(2, 7)
const decoyLabels = { [DECOY_LABEL]: 'true' }

async function decoyContainer(name: string) {
  const c = await docker.createContainer({ name, Image: 'alpine:latest', Cmd: ['sleep', 'infinity'], Labels: decoyLabels, HostConfig: { NetworkMode: 'none' } })
  await c.start()
  return c
}


describe('NAME_CONFLICT for names taken by objects the deck did not create', () => {
  it('run --name, volume create, network create, --mount src= refuse and leave the decoy', async () => {
    const c = await decoyContainer(`taken-${sfx}`)
    await docker.createVolume({ Name: `taken-vol-${sfx}`, Labels: decoyLabels })
    await docker.createNetwork({ Name: `taken-net-${sfx}`, Labels: decoyLabels, CheckDuplicate: true })
    const demo = new TestDemo(env.engine, `
docker run -d --name taken-${sfx} alpine sleep 1
docker volume create taken-vol-${sfx}
docker network create taken-net-${sfx}
docker run --rm --mount src=taken-vol-${sfx},dst=/x alpine true
docker rm -f taken-${sfx}
docker stop taken-${sfx}
docker exec taken-${sfx} true
docker volume rm taken-vol-${sfx}
docker network rm taken-net-${sfx}
`)
    try {
      for (let i = 1; i <= demo.steps.length; i++) {
        const error = await demo.run(i).then(() => undefined, (e: unknown) => e)
        expect(error, demo.steps[i - 1].command).toBeInstanceOf(DemoError)
        expect((error as DemoError).code).toBe('NAME_CONFLICT')
        expect((error as DemoError).message).toMatch(/taken-/)
        expect((error as DemoError).message).toMatch(/will not/)
      }
      expect((await c.inspect()).State.Running).toBe(true)
      expect((await docker.getVolume(`taken-vol-${sfx}`).inspect()).Name).toBe(`taken-vol-${sfx}`)
      expect((await docker.listNetworks({ filters: { name: [`taken-net-${sfx}`] } })).length).toBe(1)
    }
    finally {
      await demo.cleanup()
    }
  })

  it('the deck\'s own objects of the same name are its business (docker\'s own error)', async () => {
    const demo = new TestDemo(env.engine, `
docker network create own-net-${sfx}
docker network create own-net-${sfx}
docker volume create own-vol-${sfx}
docker volume create own-vol-${sfx}
`)
    try {
      expect((await demo.run(1)).exitCode).toBe(0)
      expect(await demo.run(2)).toMatchObject({ exitCode: 1, output: `Error response from daemon: network with name own-net-${sfx} already exists\n` })
      expect((await demo.run(3)).exitCode).toBe(0)
      expect(await demo.run(4)).toMatchObject({ exitCode: 0, output: `own-vol-${sfx}\n` })
    }
    finally {
      await demo.cleanup()
    }
  })
})

describe('reset', () => {
  it('removes the demo\'s containers, networks and volumes, leaves decoys, and is idempotent', async () => {
    const decoy = await decoyContainer(`decoy-${sfx}`)
    await docker.createVolume({ Name: `decoy-vol-${sfx}`, Labels: decoyLabels })
    await docker.createNetwork({ Name: `decoy-net-${sfx}`, Labels: decoyLabels, CheckDuplicate: true })
    const demo = new TestDemo(env.engine, `
docker network create rnet-${sfx}
docker volume create rvol-${sfx}
docker run -d --name r1-${sfx} --network rnet-${sfx} -v rvol-${sfx}:/data alpine sleep infinity
docker run -d -v /anon alpine sleep infinity
`)
    const other = new TestDemo(env.engine, `docker volume create other-${sfx}`, 'other')
    Object.assign(other, { deckId: demo.deckId })
    try {
      await demo.runAll()
      await other.runAll()
      expect(await env.engine.reset({ deckId: demo.deckId, demoId: 'demo' })).toEqual({ containers: 2, networks: 1, volumes: 1 })
      expect(await env.engine.reset({ deckId: demo.deckId, demoId: 'demo' })).toEqual({ containers: 0, networks: 0, volumes: 0 })
      // Another demo of the deck keeps its objects until the deck is reset.
      expect((await docker.getVolume(`other-${sfx}`).inspect()).Name).toBe(`other-${sfx}`)
      expect(await env.engine.reset({ deckId: demo.deckId })).toEqual({ containers: 0, networks: 0, volumes: 1 })
      expect((await decoy.inspect()).State.Running).toBe(true)
      expect((await docker.getVolume(`decoy-vol-${sfx}`).inspect()).Name).toBe(`decoy-vol-${sfx}`)
      expect((await docker.listNetworks({ filters: { name: [`decoy-net-${sfx}`] } })).length).toBe(1)
    }
    finally {
      await demo.cleanup()
      await other.cleanup()
    }
  })
})
