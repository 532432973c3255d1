/**
 * The presenter's own container, volume, network and image (created straight on the engine,
 * without the deck's labels) survive everything the deck's CLI does through the proxy, and each
 * refusal is one readable line.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Decoys } from './harness'
import { CLIS, REFUSED, createDecoys, decoysIntact, docker, proxyForThisFile, removeDecoys, requireCli, runCli, sfx } from './harness'

requireCli()
const env = proxyForThisFile()
let decoys: Decoys

beforeAll(async () => {
  decoys = await createDecoys(`px-decoy-${sfx()}`)
})
afterAll(async () => {
  if (decoys)
    await removeDecoys(decoys)
})

const ALL_INTACT = { container: true, volume: true, network: true, image: true }

describe.each(CLIS)('%s: the presenter\'s objects', (bin) => {
  const cli = (args: string[]) => runCli(bin, args, env.proxy.dockerHost)

  it('survive every prune, including system prune -af --volumes', async () => {
    // Stopped and unused: exactly what a prune would remove if it were not scoped.
    const stopped = `px-decoy-stopped-${sfx()}`
    const container = await docker.createContainer({ name: stopped, Image: 'alpine:latest', Cmd: ['true'], Labels: { 'org.docker-demo.proxy-test-decoy': 'true' } })
    try {
      for (const args of [['container', 'prune', '-f'], ['volume', 'prune', '-f'], ['network', 'prune', '-f'], ['image', 'prune', '-af'], ['system', 'prune', '-af', '--volumes'], ['builder', 'prune', '-af']]) {
        const result = await cli(args)
        // v28 prints a deprecation notice for the classic builder on stderr; no error, though.
        expect({ args, code: result.code, errors: result.stderr.split('\n').filter(line => /error/i.test(line)) }).toEqual({ args, code: 0, errors: [] })
      }
      expect(await decoysIntact(decoys)).toEqual(ALL_INTACT)
      expect((await container.inspect()).Name).toBe(`/${stopped}`)
    }
    finally {
      await container.remove({ force: true })
    }
  })

  it('are refused, one readable line each, for rm, stop, kill, exec, rmi, volume rm, network rm/connect', async () => {
    const attempts: Array<[string[], string]> = [
      [['rm', '-f', decoys.container], `container "${decoys.container}" was not created by this deck`],
      [['stop', decoys.container], `container "${decoys.container}" was not created by this deck`],
      [['kill', decoys.container], `container "${decoys.container}" was not created by this deck`],
      [['exec', decoys.container, 'true'], `container "${decoys.container}" was not created by this deck`],
      [['rename', decoys.container, `${decoys.container}-x`], `container "${decoys.container}" was not created by this deck`],
      [['rmi', '-f', decoys.image], `image "${decoys.image}" was not created by this deck`],
      [['volume', 'rm', '-f', decoys.volume], `volume "${decoys.volume}" was not created by this deck`],
      [['network', 'rm', decoys.network], `network "${decoys.network}" was not created by this deck`],
      [['network', 'connect', decoys.network, decoys.container], `network "${decoys.network}" was not created by this deck`],
      [['volume', 'create', decoys.volume], `volume "${decoys.volume}" already exists and was not created by this deck`],
      [['run', '--rm', '-v', `${decoys.volume}:/x`, 'alpine:latest', 'true'], `volume "${decoys.volume}" already exists and was not created by this deck`],
      [['run', '--rm', '--network', decoys.network, 'alpine:latest', 'true'], `network "${decoys.network}" was not created by this deck`],
      [['run', '--rm', '--volumes-from', decoys.container, 'alpine:latest', 'true'], `container "${decoys.container}" was not created by this deck`],
    ]
    for (const [args, why] of attempts) {
      const result = await cli(args)
      // `docker run` exits 125 when the daemon refuses, the other commands 1.
      expect({ args, code: result.code }).toEqual({ args, code: args[0] === 'run' ? 125 : 1 })
      const line = result.stderr.split('\n').find(l => REFUSED.test(l))
      expect(line, `${args.join(' ')}: ${result.stderr}`).toContain(why)
      expect(line).toContain('the demo server')
    }
    expect(await decoysIntact(decoys)).toEqual(ALL_INTACT)
  })

  it('keep their tags: build -t and tag onto a presenter\'s tag are refused', async () => {
    const context = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-decoy-build-'))
    fs.writeFileSync(path.join(context, 'Dockerfile'), 'FROM alpine:latest\n')
    const deckImage = `px-deck-img-${sfx()}:1`
    try {
      const taken = `the tag "${decoys.image}" belongs to an image this deck did not create`
      const build = await runCli(bin, ['build', '-t', decoys.image, '.'], env.proxy.dockerHost, { cwd: context })
      expect(build.code).toBe(1)
      expect(build.stderr).toContain(`Error response from daemon: docker-demo: ${taken}`)

      expect((await runCli(bin, ['build', '-t', deckImage, '.'], env.proxy.dockerHost, { cwd: context })).code).toBe(0)
      const tag = await cli(['tag', deckImage, decoys.image])
      expect(tag.code).toBe(1)
      expect(tag.stderr).toContain(`Error response from daemon: docker-demo: ${taken}`)
      expect((await docker.getImage(decoys.image).inspect()).Id).toBe((await docker.getImage('alpine:latest').inspect()).Id)
    }
    finally {
      fs.rmSync(context, { recursive: true, force: true })
    }
  })

  it('may be given a new name, which is then the deck\'s; the image itself stays theirs', async () => {
    const mine = `px-mine-${sfx()}:1.0`
    expect(await cli(['tag', decoys.image, mine])).toMatchObject({ code: 0 })
    expect((await docker.getImage(mine).inspect()).Id).toBe((await docker.getImage(decoys.image).inspect()).Id)
    // Moving the deck's new name again is the deck's business; removing it takes the name only.
    expect(await cli(['tag', decoys.image, mine])).toMatchObject({ code: 0 })
    expect(await cli(['rmi', mine])).toMatchObject({ code: 0 })
    await expect(docker.getImage(mine).inspect()).rejects.toMatchObject({ statusCode: 404 })
    // Their image, by its own name, stays refused.
    const rmi = await cli(['rmi', decoys.image])
    expect(rmi.code).toBe(1)
    expect(await decoysIntact(decoys)).toEqual(ALL_INTACT)
  })
})
