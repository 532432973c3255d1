/** The real docker CLIs through the proxy: the commands a deck runs, each labelled on the way. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DECK_LABEL, DEMO_LABEL, RUN_LABEL } from '../../demo-server/engine/labels'
import { CLIS, docker, labelsOfVolume, proxyForThisFile, requireCli, runCli, runInPty, sfx } from './harness'

requireCli()
const env = proxyForThisFile()

describe.each(CLIS)('%s through the proxy', (bin) => {
  const cli = (args: string[], options: Parameters<typeof runCli>[3] = {}) => runCli(bin, args, env.proxy.dockerHost, options)
  const ours = () => ({ [DECK_LABEL]: env.scope.deckId, [DEMO_LABEL]: env.scope.demoId, [RUN_LABEL]: env.scope.runId })

  it('run --rm prints the output and leaves no container', async () => {
    const name = `px-echo-${sfx()}`
    const result = await cli(['run', '--rm', '--name', name, 'alpine:latest', 'echo', 'hello through the proxy'])
    expect(result).toMatchObject({ code: 0, stdout: 'hello through the proxy\n' })
    expect(await docker.getContainer(name).inspect().then(() => 'present', () => 'gone')).toBe('gone')
  })

  it('run -i passes stdin and its end through the hijacked stream', async () => {
    const result = await cli(['run', '--rm', '-i', 'alpine:latest', 'sh', '-c', 'cat; echo done'], { input: 'typed line\n' })
    expect(result).toMatchObject({ code: 0, stdout: 'typed line\ndone\n' })
  })

  it('run -d, logs, exec and rm -f; the container carries the labels and is remembered for its run', async () => {
    const name = `px-detached-${sfx()}`
    const run = await cli(['run', '-d', '--name', name, 'alpine:latest', 'sh', '-c', 'echo started; sleep 300'])
    expect(run.code, run.stderr).toBe(0)
    const id = run.stdout.trim()
    expect((await docker.getContainer(name).inspect()).Config.Labels).toMatchObject(ours())
    expect(env.proxy.createdBy(env.scope.runId).containers).toContain(id)

    await expect.poll(async () => (await cli(['logs', name])).stdout, { timeout: 10_000 }).toBe('started\n')
    const exec = await cli(['exec', name, 'sh', '-c', 'echo in exec'])
    expect(exec).toMatchObject({ code: 0, stdout: 'in exec\n' })
    expect(env.proxy.createdBy(env.scope.runId).execs.length).toBeGreaterThan(0)

    const removed = await cli(['rm', '-f', name])
    expect(removed).toMatchObject({ code: 0, stdout: `${name}\n` })
  })

  it('logs -f streams until the container ends', async () => {
    const name = `px-follow-${sfx()}`
    expect((await cli(['run', '-d', '--name', name, 'alpine:latest', 'sh', '-c', 'for i in 1 2 3; do echo line $i; sleep 0.3; done'])).code).toBe(0)
    const follow = await cli(['logs', '-f', name])
    expect(follow).toMatchObject({ code: 0, stdout: 'line 1\nline 2\nline 3\n' })
    await cli(['rm', '-f', name])
  })

  it('run -it gets a terminal (in a pseudo-terminal)', async () => {
    const result = await runInPty(bin, ['run', '--rm', '-it', 'alpine:latest', 'sh', '-c', 'tty; echo tty-ok'], env.proxy.dockerHost)
    expect(result.code, JSON.stringify(result)).toBe(0)
    expect(result.stdout, JSON.stringify(result)).toMatch(/\/dev\/pts\/\d+\r\ntty-ok\r\n/)
  })

  it('exec -it gets a terminal in a running container', async () => {
    const name = `px-exec-it-${sfx()}`
    expect((await cli(['run', '-d', '--name', name, 'alpine:latest', 'sleep', '300'])).code).toBe(0)
    const result = await runInPty(bin, ['exec', '-it', name, 'sh', '-c', 'tty; echo exec-tty-ok'], env.proxy.dockerHost)
    expect(result.stdout, JSON.stringify(result)).toMatch(/\/dev\/pts\/\d+\r\nexec-tty-ok\r\n/)
    await cli(['rm', '-f', name])
  })

  it('a classic build gets the labels on its image; rmi of the deck\'s image works', async () => {
    const context = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-build-'))
    fs.writeFileSync(path.join(context, 'Dockerfile'), 'FROM alpine:latest\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt\n')
    fs.writeFileSync(path.join(context, 'hello.txt'), 'hello from the build context\n')
    const tag = `px-built-${sfx()}:1`
    try {
      const build = await cli(['build', '-t', tag, '.'], { cwd: context })
      expect(build.code, build.stderr).toBe(0)
      expect(build.stdout).toContain('hello from the build context')
      expect((await docker.getImage(tag).inspect()).Config.Labels).toMatchObject(ours())

      const retag = `px-built-${sfx()}:2`
      expect((await cli(['tag', tag, retag])).code).toBe(0)
      const rmi = await cli(['rmi', retag, tag])
      expect(rmi.code, rmi.stderr).toBe(0)
      expect(await docker.getImage(tag).inspect().then(() => 'present', () => 'gone')).toBe('gone')
    }
    finally {
      fs.rmSync(context, { recursive: true, force: true })
    }
  })

  it('network create, connect, disconnect and rm', async () => {
    const network = `px-net-${sfx()}`
    const name = `px-member-${sfx()}`
    expect((await cli(['network', 'create', network])).code).toBe(0)
    expect((await docker.getNetwork(network).inspect() as { Labels: Record<string, string> }).Labels).toMatchObject(ours())
    expect((await cli(['run', '-d', '--name', name, 'alpine:latest', 'sleep', '300'])).code).toBe(0)
    expect(await cli(['network', 'connect', network, name])).toMatchObject({ code: 0 })
    expect(await cli(['network', 'disconnect', network, name])).toMatchObject({ code: 0 })
    expect(await cli(['rm', '-f', name])).toMatchObject({ code: 0 })
    expect(await cli(['network', 'rm', network])).toMatchObject({ code: 0, stdout: `${network}\n` })
  })

  it('volume create and rm', async () => {
    const volume = `px-vol-${sfx()}`
    expect(await cli(['volume', 'create', volume])).toMatchObject({ code: 0, stdout: `${volume}\n` })
    expect(await labelsOfVolume(volume)).toMatchObject(ours())
    expect(await cli(['volume', 'rm', volume])).toMatchObject({ code: 0, stdout: `${volume}\n` })
  })

  it('-v NAME:/data and --mount source=NAME create the volume labelled; anonymous volumes are labelled too', async () => {
    const implicit = `px-implicit-${sfx()}`
    const mounted = `px-mounted-${sfx()}`
    const name = `px-anon-${sfx()}`
    const run = await cli(['run', '--rm', '-v', `${implicit}:/data`, '--mount', `source=${mounted},target=/m`, 'alpine:latest', 'sh', '-c', 'echo kept > /data/f; cat /data/f'])
    expect(run).toMatchObject({ code: 0, stdout: 'kept\n' })
    expect(await labelsOfVolume(implicit)).toMatchObject(ours())
    expect(await labelsOfVolume(mounted)).toMatchObject(ours())

    expect((await cli(['run', '-d', '--name', name, '-v', '/anon', 'alpine:latest', 'sleep', '300'])).code).toBe(0)
    const mounts = (await docker.getContainer(name).inspect()).Mounts
    const anonymous = mounts.find(m => m.Destination === '/anon')
    expect(anonymous?.Name).toBeTruthy()
    expect(await labelsOfVolume(anonymous!.Name!)).toMatchObject(ours())
    // Removed with its container, as anonymous volumes are.
    expect((await cli(['rm', '-fv', name])).code).toBe(0)
    expect(await docker.getVolume(anonymous!.Name!).inspect().then(() => 'present', () => 'gone')).toBe('gone')
    expect((await cli(['volume', 'rm', implicit, mounted])).code).toBe(0)
  })

  it('ps, images, inspect, info and version pass', async () => {
    const name = `px-reads-${sfx()}`
    expect((await cli(['run', '-d', '--name', name, 'alpine:latest', 'sleep', '300'])).code).toBe(0)
    expect((await cli(['ps', '--format', '{{.Names}}'])).stdout.split('\n')).toContain(name)
    expect((await cli(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.split('\n')).toContain('alpine:latest')
    expect(await cli(['inspect', '-f', '{{.Name}}', name])).toMatchObject({ code: 0, stdout: `/${name}\n` })
    expect((await cli(['info', '--format', '{{.ServerVersion}}'])).code).toBe(0)
    expect((await cli(['version', '--format', '{{.Server.APIVersion}}'])).stdout.trim()).toBe('1.41')
    expect((await cli(['system', 'df'])).code).toBe(0)
    await cli(['rm', '-f', name])
  })

  it('prunes remove the deck\'s stopped containers, unused networks and volumes', async () => {
    const stopped = `px-stopped-${sfx()}`
    const network = `px-prune-net-${sfx()}`
    const volume = `px-prune-vol-${sfx()}`
    expect((await cli(['run', '--name', stopped, 'alpine:latest', 'true'])).code).toBe(0)
    const stoppedId = (await docker.getContainer(stopped).inspect()).Id
    expect((await cli(['network', 'create', network])).code).toBe(0)
    expect((await cli(['volume', 'create', volume])).code).toBe(0)
    expect((await cli(['container', 'prune', '-f'])).stdout).toContain(stoppedId)
    expect((await cli(['network', 'prune', '-f'])).stdout).toContain(network)
    expect((await cli(['volume', 'prune', '-f'])).stdout).toContain(volume)
  })
})
