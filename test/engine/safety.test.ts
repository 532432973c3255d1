/** The deck touches only what it labelled: name conflicts, removals, reset. */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import { DemoError, describeNotRemoved } from '../../demo-server/protocol'
import { DECOY_LABEL, DECOY_VALUE, docker, engineForThisFile, RecordingIO, TestDemo } from './harness'

const env = engineForThisFile()
const sfx = Math.random().toString(36).slice(2, 7)
const decoyLabels = { [DECOY_LABEL]: DECOY_VALUE }

/** A running container `${prefix}`, a volume `${prefix}-vol` and a network `${prefix}-net` that the deck did not create. */
async function createDecoys(prefix: string): Promise<void> {
  const c = await docker.createContainer({ name: prefix, Image: 'alpine:latest', Cmd: ['sleep', 'infinity'], Labels: decoyLabels, HostConfig: { NetworkMode: 'none' } })
  await c.start()
  await docker.createVolume({ Name: `${prefix}-vol`, Labels: decoyLabels })
  await docker.createNetwork({ Name: `${prefix}-net`, Labels: decoyLabels, CheckDuplicate: true })
}

/** The decoys of createDecoys are all there, the container still running. */
async function expectDecoysIntact(prefix: string): Promise<void> {
  expect((await docker.getContainer(prefix).inspect()).State.Running).toBe(true)
  expect((await docker.getVolume(`${prefix}-vol`).inspect()).Name).toBe(`${prefix}-vol`)
  expect((await docker.listNetworks({ filters: { name: [`${prefix}-net`] } })).length).toBe(1)
}

describe('NAME_CONFLICT for names taken by objects the deck did not create', () => {
  it('volume create, --mount src=, rm, stop, exec refuse; run --name and network create get docker\'s conflict; the decoy stays', async () => {
    const taken = `taken-${sfx}`
    await createDecoys(taken)
    await using demo = new TestDemo(env.engine, `
docker run -d --name ${taken} alpine sleep 1
docker volume create ${taken}-vol
docker network create ${taken}-net
docker run --rm --mount src=${taken}-vol,dst=/x alpine true
docker rm -f ${taken}
docker stop ${taken}
docker exec ${taken} true
docker volume rm ${taken}-vol
docker network rm ${taken}-net
`)
    // A name that is taken is the engine's own conflict, as at home: nothing of the decoy changes.
    const run = await demo.run(1)
    expect(run.exitCode).toBe(125)
    expect(run.output).toMatch(new RegExp(`Conflict\\. The container name "/${taken}" is already in use`))
    const network = await demo.run(3)
    expect(network.exitCode).toBe(1)
    expect(network.output).toContain(`network with name ${taken}-net already exists`)
    for (const i of [2, 4, 5, 6, 7, 8, 9]) {
      const error = await demo.run(i).then(() => undefined, (e: unknown) => e)
      expect(error, demo.steps[i - 1].command).toBeInstanceOf(DemoError)
      expect((error as DemoError).code).toBe('NAME_CONFLICT')
      expect((error as DemoError).message).toMatch(/taken-/)
      expect((error as DemoError).message).toMatch(/will not/)
    }
    await expectDecoysIntact(taken)
  })

  it('a demo container joins or leaves the engine\'s networks and the deck\'s, never the presenter\'s', async () => {
    const taken = `join-${sfx}`
    await createDecoys(taken)
    await using demo = new TestDemo(env.engine, `
docker run -d --name ours-${sfx} alpine sleep infinity
docker run -d --name ours2-${sfx} --network ${taken}-net alpine sleep infinity
docker network connect ${taken}-net ours-${sfx}
docker network disconnect bridge ours-${sfx}
`)
    expect((await demo.run(1)).exitCode).toBe(0)
    for (const i of [2, 3]) {
      const error = await demo.run(i).then(() => undefined, (e: unknown) => e)
      expect(error, demo.steps[i - 1].command).toBeInstanceOf(DemoError)
      expect((error as DemoError).code).toBe('NAME_CONFLICT')
      expect((error as DemoError).message).toMatch(new RegExp(`${taken}-net.*will not`))
    }
    expect((await demo.run(4)).exitCode).toBe(0)
    await expect(docker.getContainer(`ours2-${sfx}`).inspect()).rejects.toMatchObject({ statusCode: 404 })
    expect(Object.keys((await docker.getNetwork(`${taken}-net`).inspect()).Containers ?? {})).toEqual([])
    await expectDecoysIntact(taken)
  })

  it('the deck\'s own objects of the same name are its business (docker\'s own error)', async () => {
    await using demo = new TestDemo(env.engine, `
docker network create own-net-${sfx}
docker network create own-net-${sfx}
docker volume create own-vol-${sfx}
docker volume create own-vol-${sfx}
`)
    expect((await demo.run(1)).exitCode).toBe(0)
    expect(await demo.run(2)).toMatchObject({ exitCode: 1, output: `Error response from daemon: network with name own-net-${sfx} already exists\n` })
    expect((await demo.run(3)).exitCode).toBe(0)
    expect(await demo.run(4)).toMatchObject({ exitCode: 0, output: `own-vol-${sfx}\n` })
  })
})

describe('reset', () => {
  it('removes the demo\'s containers, networks and volumes, leaves decoys, and is idempotent', async () => {
    await createDecoys(`decoy-${sfx}`)
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
      expect(await env.engine.reset({ deckId: demo.deckId, demoId: 'demo' })).toEqual({ removed: { containers: 2, networks: 1, volumes: 1 }, notRemoved: [] })
      expect(await env.engine.reset({ deckId: demo.deckId, demoId: 'demo' })).toEqual({ removed: { containers: 0, networks: 0, volumes: 0 }, notRemoved: [] })
      // Another demo of the deck keeps its objects until the deck is reset.
      expect((await docker.getVolume(`other-${sfx}`).inspect()).Name).toBe(`other-${sfx}`)
      expect(await env.engine.reset({ deckId: demo.deckId })).toEqual({ removed: { containers: 0, networks: 0, volumes: 1 }, notRemoved: [] })
      await expectDecoysIntact(`decoy-${sfx}`)
    }
    finally {
      await demo.cleanup()
      await other.cleanup()
    }
  })

  it('goes on past a network a foreign container holds, removes the rest, and names it with the reason', async () => {
    const held = `held-${sfx}`
    const foreign = `foreign-${sfx}`
    await using demo = new TestDemo(env.engine, `
docker network create ${held}
docker network create free-${sfx}
docker volume create v1-${sfx}
docker run -d --name c1-${sfx} --network ${held} -v v1-${sfx}:/data alpine sleep infinity
docker run -d --name c2-${sfx} --network free-${sfx} -v /anon alpine sleep infinity
docker volume create v2-${sfx}
`)
    await demo.runAll()
    // Someone else's container (no deck label) on the deck's network: the daemon answers 403
    // to the network's removal, and the deck must not remove or disconnect that container.
    const outsider = await docker.createContainer({ name: foreign, Image: 'alpine:latest', Cmd: ['sleep', 'infinity'], Labels: decoyLabels, HostConfig: { NetworkMode: held } })
    await outsider.start()

    const report = await env.engine.reset({ deckId: demo.deckId })
    expect(report.removed).toEqual({ containers: 2, networks: 1, volumes: 2 })
    expect(report.notRemoved).toEqual([{ kind: 'network', name: held, reason: expect.stringContaining('has active endpoints') }])
    const { reason } = report.notRemoved[0]
    expect(reason).toContain(`still used by ${foreign} (not created by this deck)`)
    expect(reason).toContain(`docker network disconnect ${held} ${foreign}`)
    expect(describeNotRemoved(report.notRemoved[0])).toMatch(new RegExp(`^network "${held}": error while removing network: `))

    // Everything else of the deck is gone; the outsider runs on, still on the network.
    const label = `${DECK_LABEL}=${demo.deckId}`
    expect(await docker.listContainers({ all: true, filters: { label: [label] } })).toEqual([])
    expect((await docker.listVolumes({ filters: { label: [label] } })).Volumes ?? []).toEqual([])
    expect((await docker.listNetworks({ filters: { label: [label] } })).map(n => n.Name)).toEqual([held])
    const inspected = await outsider.inspect()
    expect(inspected.State.Running).toBe(true)
    expect(Object.keys(inspected.NetworkSettings.Networks)).toEqual([held])

    // Once the outsider lets go, the next reset takes the network.
    await outsider.remove({ force: true })
    expect(await env.engine.reset({ deckId: demo.deckId })).toEqual({ removed: { containers: 0, networks: 1, volumes: 0 }, notRemoved: [] })
  })
})

describe('lines that would go around the proxy', () => {
  it('are refused before a key is typed, wherever the bypass sits, and the presenter\'s objects stay', async () => {
    const decoy = `bypass-${sfx}`
    await createDecoys(decoy)
    const lines = [
      `docker -H unix:///var/run/docker.sock rm -f ${decoy}`,
      `docker --context other rm -f ${decoy}`,
      `docker --config ./cfg ps`,
      `docker --tlsverify ps`,
      `DOCKER_HOST=unix:///var/run/docker.sock docker rm -f ${decoy}`,
      `export DOCKER_HOST=unix:///var/run/docker.sock`,
      `DOCKER_CONTEXT=other; docker ps`,
      `export DOCKER_CONFIG=/tmp`,
      `unset DOCKER_HOST; docker rm -f ${decoy}`,
      `sudo docker rm -f ${decoy}`,
      `env -i docker rm -f ${decoy}`,
      `host$ docker rm -f ${decoy}`,
      `curl --unix-socket /var/run/docker.sock -X DELETE http://x/containers/${decoy}?force=1`,
      `docker run --rm -v /var/run/docker.sock:/s alpine true`,
      `for c in ${decoy}; do docker -H unix:///var/run/docker.sock rm -f $c; done`,
      `echo $(docker-compose -H unix:///var/run/docker.sock ps)`,
    ]
    await using demo = new TestDemo(env.engine, lines.join('\n'), 'demo', { allowProblems: true })
    expect(demo.steps).toHaveLength(lines.length)
    for (const [index, line] of lines.entries()) {
      const io = new RecordingIO()
      const error = await demo.run(index + 1, {}, io).then(() => undefined, (e: unknown) => e)
      expect(error, line).toBeInstanceOf(DemoError)
      expect((error as DemoError).code, line).toBe('UNSUPPORTED_COMMAND')
      expect((error as DemoError).message, line).toMatch(new RegExp(`^Step ${index + 1} \\(inline\\.md:\\d+\\): .*(proxy|demo server)`))
      expect(io.text, `${line}: nothing is typed`).toBe('')
    }
    await expectDecoysIntact(decoy)
    // The shell the demo has was never given any of those lines: its DOCKER_HOST is the proxy's.
    await using after = new TestDemo(env.engine, 'echo "$DOCKER_HOST"')
    expect((await after.run(1)).output).toMatch(/^unix:\/\/.*door-\d+\.sock\n$/)
  })

  it('docker compose without the compose plugin is refused with what the check says, before it runs', async () => {
    const plugin = spawnSync('docker', ['compose', 'version']).status === 0
    await using demo = new TestDemo(env.engine, 'docker compose version')
    const io = new RecordingIO()
    const result = await demo.run(1, {}, io).then(r => r, (e: unknown) => e)
    if (plugin) {
      expect(result).toMatchObject({ exitCode: 0 })
      return
    }
    expect(result).toMatchObject({ code: 'UNSUPPORTED_COMMAND', message: expect.stringContaining('"docker compose" needs the compose plugin, which this docker CLI lacks') })
    expect(io.text).toBe('')
  })
})
