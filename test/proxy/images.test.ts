/**
 * Images and files through the proxy: cp both ways, commit, import, save/load (an image a load
 * brings in is the deck's, one already there is not), a BuildKit build over its hijacked
 * session, and the events stream.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import { CLIS, REFUSED, docker, proxyForThisFile, requireCli, runCli, sfx } from './harness'

requireCli()
const env = proxyForThisFile()
let work: string

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-images-'))
  fs.writeFileSync(path.join(work, 'hello.txt'), 'hello, file\n')
})
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true })
})

const imageGone = (ref: string): Promise<boolean> => docker.getImage(ref).inspect().then(() => false, () => true)

describe.each(CLIS)('%s', (bin) => {
  const cli = (args: string[], options: Parameters<typeof runCli>[3] = {}) => runCli(bin, args, env.proxy.dockerHost, { cwd: work, ...options })

  it('cp into and out of a deck container; commit and import label their images', async () => {
    const name = `px-files-${sfx()}`
    expect((await cli(['run', '-d', '--name', name, 'alpine:latest', 'sleep', '300'])).code).toBe(0)
    expect(await cli(['cp', 'hello.txt', `${name}:/hello.txt`])).toMatchObject({ code: 0 })
    const copied = `copied-${sfx()}.txt`
    expect(await cli(['cp', `${name}:/hello.txt`, copied])).toMatchObject({ code: 0 })
    expect(fs.readFileSync(path.join(work, copied), 'utf8')).toBe('hello, file\n')

    const committed = `px-committed-${sfx()}:1`
    expect((await cli(['commit', name, committed])).code).toBe(0)
    expect((await docker.getImage(committed).inspect()).Config.Labels?.[DECK_LABEL]).toBe(env.scope.deckId)
    await cli(['rm', '-f', name])

    execFileSync('tar', ['-C', work, '-cf', path.join(work, 'rootfs.tar'), 'hello.txt'])
    const imported = `px-imported-${sfx()}:1`
    expect((await cli(['import', 'rootfs.tar', imported])).code).toBe(0)
    expect((await docker.getImage(imported).inspect()).Config.Labels?.[DECK_LABEL]).toBe(env.scope.deckId)
    expect((await cli(['rmi', committed, imported])).code).toBe(0)
    expect([await imageGone(committed), await imageGone(imported)]).toEqual([true, true])
  })

  it('load: an image that was not there becomes the deck\'s; loading one already there does not', async () => {
    // An unlabelled image of nobody's, saved and removed straight on the engine.
    const foreign = `px-loaded-${sfx()}:1`
    execFileSync('tar', ['-C', work, '-cf', path.join(work, 'foreign.tar'), 'hello.txt'])
    expect((await runCli(bin, ['import', 'foreign.tar', foreign], undefined, { cwd: work })).code).toBe(0)
    expect((await runCli(bin, ['save', '-o', 'foreign-image.tar', foreign], undefined, { cwd: work })).code).toBe(0)
    expect((await runCli(bin, ['rmi', foreign], undefined)).code).toBe(0)

    const load = await cli(['load', '-i', 'foreign-image.tar'])
    expect(load).toMatchObject({ code: 0, stdout: `Loaded image: ${foreign}\n` })
    expect((await cli(['rmi', foreign])).code).toBe(0)

    // alpine:latest is the presenter's: loading it again hands nothing over.
    const alpine = `alpine-${sfx()}.tar`
    expect((await runCli(bin, ['save', '-o', alpine, 'alpine:latest'], undefined, { cwd: work })).code).toBe(0)
    expect((await cli(['load', '-i', alpine])).code).toBe(0)
    const rmi = await cli(['rmi', 'alpine:latest'])
    expect(rmi.code).toBe(1)
    expect(rmi.stderr).toMatch(REFUSED)
    expect(await imageGone('alpine:latest')).toBe(false)
  })

  it('events streams what happened in a time window', async () => {
    const since = Math.floor(Date.now() / 1000) - 1
    const name = `px-events-${sfx()}`
    expect((await cli(['run', '--rm', '--name', name, 'alpine:latest', 'true'])).code).toBe(0)
    const until = Math.floor(Date.now() / 1000) + 1
    const events = await cli(['events', '--since', String(since), '--until', String(until), '--filter', `container=${name}`, '--format', '{{.Status}}'])
    expect(events.code, events.stderr).toBe(0)
    expect(events.stdout.split('\n')).toEqual(expect.arrayContaining(['create', 'start', 'die', 'destroy']))
  })
})

describe('BuildKit', () => {
  it('/usr/bin/docker (20.10) builds with DOCKER_BUILDKIT=1 over the hijacked /session; the image is labelled', async () => {
    const bin = '/usr/bin/docker'
    expect(fs.existsSync(bin), 'Debian\'s docker CLI: apt-get install -y --no-install-recommends docker.io').toBe(true)
    fs.writeFileSync(path.join(work, 'Dockerfile'), 'FROM alpine:latest\nCOPY hello.txt /hello.txt\n')
    const tag = `px-buildkit-${sfx()}:1`
    const build = await runCli(bin, ['build', '-t', tag, '.'], env.proxy.dockerHost, { cwd: work, env: { DOCKER_BUILDKIT: '1' } })
    expect(build.code, build.stderr).toBe(0)
    expect((await docker.getImage(tag).inspect()).Config.Labels?.[DECK_LABEL]).toBe(env.scope.deckId)
    expect((await runCli(bin, ['rmi', tag], env.proxy.dockerHost)).code).toBe(0)
  })
})
