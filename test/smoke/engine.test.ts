/**
 * The machine under the deck: a Docker engine answers, every stand-in image of
 * test/images/standins.json is there, and a container from each does its job.
 * Set up with `bash .ci/run`, or `bash test/setup/dockerd.sh && bash test/setup/registry.sh
 * && bash test/images/build-standins.sh`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SmokeEngine, standin, standins } from './containers'

const engine = new SmokeEngine()
const { docker } = engine
const REGISTRY = '127.0.0.1:5000'

beforeAll(async () => {
  try {
    await docker.ping()
  }
  catch (error) {
    throw new Error(
      `The Docker engine does not answer (${(error as Error).message}). `
      + 'Start it with `bash test/setup/dockerd.sh` (install it first with `apt-get install -y '
      + '--no-install-recommends docker.io`), or run everything with `bash .ci/run`.',
    )
  }
})

afterEach(() => engine.cleanup())
afterAll(() => engine.cleanup())

describe('stand-in images', () => {
  it.each(standins.images.map(i => i.ref))('%s exists and is our stand-in', async (ref) => {
    const info = await docker.getImage(ref).inspect().catch(() => undefined)
    expect(info, `image "${ref}" is missing: run \`bash test/images/build-standins.sh\``).toBeDefined()
    expect(
      info?.Config.Labels?.[standins.label],
      `image "${ref}" exists but has no ${standins.label}=true label: it is not our stand-in `
      + '(a real image is kept, never overwritten); remove it to test against the stand-in',
    ).toBe('true')
  })

  it('the local registry serves every Docker Hub stand-in, so the mirror answers `docker pull`', async () => {
    for (const { ref, mirror } of standins.images) {
      if (!mirror)
        continue
      const [, path, tag] = /^[^/]+\/(.+):([^:]+)$/.exec(mirror)!
      const response = await fetch(`http://${REGISTRY}/v2/${path}/manifests/${tag}`, {
        headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      }).catch((error: Error) => {
        throw new Error(`no registry at ${REGISTRY} (${error.message}): run \`bash test/setup/registry.sh && bash test/images/build-standins.sh\``)
      })
      expect(response.status, `${mirror} is not in the registry: run \`bash test/images/build-standins.sh\``).toBe(200)
      const manifest = await response.json() as { config: { digest: string } }
      const { Id } = await docker.getImage(ref).inspect()
      expect(manifest.config.digest, `${mirror} is not the local ${ref}: run \`bash test/images/build-standins.sh\``).toBe(Id)
    }
  })

  it('`docker pull alpine` is answered by the registry mirror', async () => {
    const info = await docker.info() as { RegistryConfig?: { Mirrors?: string[] } }
    const mirrors = info.RegistryConfig?.Mirrors ?? []
    // Without our mirror a pull would go to the public registry: never let a test do that.
    expect(mirrors.some(m => m.includes(REGISTRY)),
      `the engine has no registry mirror http://${REGISTRY} (has: ${mirrors.join(', ') || 'none'}); `
      + 'restart dockerd with test/setup/dockerd.sh (it writes /etc/docker/daemon.json)').toBe(true)
    const ref = standin('alpine')
    const before = (await docker.getImage(ref).inspect()).Id
    const stream = await docker.pull(ref)
    const events = await new Promise<{ status?: string }[]>((resolve, reject) =>
      docker.modem.followProgress(stream, (error, output) => error ? reject(error) : resolve(output ?? [])))
    expect(events.map(e => e.status).join('\n')).toContain(`Image is up to date for ${ref}`)
    expect((await docker.getImage(ref).inspect()).Id).toBe(before)
  })
})

describe('containers from the stand-ins', () => {
  it('alpine: ash and ping work, nslookup finds a container by name; apk says it is offline', async () => {
    const network = await engine.network('alpine')
    const peer = engine.name('co1')
    await engine.start({ image: standin('alpine'), name: peer, network, cmd: ['sleep', 'infinity'] })
    const shell = await engine.run({
      image: standin('alpine'),
      network,
      cmd: ['ash', '-c', `ping -c 1 127.0.0.1 && nslookup ${peer} && echo "ash ok"`],
    })
    expect(shell.stdout).toContain('1 packets received')
    expect(shell.stdout).toContain(`Name:\t${peer}`)
    expect(shell.stdout).toContain('ash ok')
    expect(shell.exitCode).toBe(0)

    const apk = await engine.run({ image: standin('alpine'), cmd: ['apk', 'add', 'bind-tools'] })
    expect(apk.exitCode).toBe(1)
    expect(apk.stderr).toContain('offline stand-in: apk cannot install')
  })

  it('nginx: serves HTTP on port 80 to a client container on a user network', async () => {
    const network = await engine.network('web')
    const web = engine.name('web')
    await engine.start({ image: standin('nginx'), name: web, network })
    const page = await engine.runUntilOk({
      image: standin('alpine'),
      network,
      cmd: ['wget', '-qO-', `http://${web}/`],
    })
    expect(page.stderr).toBe('')
    expect(page.stdout).toContain('Welcome to nginx!')
  })

  it('ubuntu: bash runs, and GNU tar backs up and restores with --strip 1', async () => {
    const result = await engine.run({
      image: standin('ubuntu'),
      cmd: ['bash', '-c', [
        'echo "bash $BASH_VERSION"',
        'mkdir -p /dbdata/sub /backup /restore && echo hello > /dbdata/sub/file',
        'tar cvf /backup/backup.tar /dbdata',
        'cd /restore && tar xvf /backup/backup.tar --strip 1',
        'cat /restore/sub/file',
      ].join(' && ')],
    })
    expect(result.stdout).toMatch(/^bash 5\./)
    expect(result.stderr).toContain('Removing leading `/\' from member names')
    expect(result.stdout.trim().split('\n').at(-1)).toBe('hello')
    expect(result.exitCode).toBe(0)
  })

  it('python: runs python3 with its standard library, and the image has several layers', async () => {
    const result = await engine.run({
      image: standin('python'),
      cmd: ['python3', '-c', 'import json, sqlite3, http.server; print(json.dumps({"sum": sum(range(10))}))'],
    })
    expect(result.stderr).toBe('')
    expect(result.stdout.trim()).toBe('{"sum": 45}')

    const history = await docker.getImage(standin('python')).history() as { Size: number }[]
    expect(history.filter(layer => layer.Size > 0).length).toBeGreaterThanOrEqual(3)
  })

  it('etcd: the server starts and etcdctl put/get work from another container', async () => {
    const network = await engine.network('etcd')
    const server = engine.name('etcd')
    const image = standin('etcd')
    await engine.start({
      image,
      name: server,
      network,
      cmd: ['etcd', '--name', 'etcd0', '--data-dir', '/var/etcd/data',
        '--listen-client-urls', 'http://0.0.0.0:2379', '--advertise-client-urls', `http://${server}:2379`],
    })
    const endpoint = `http://${server}:2379`
    const put = await engine.runUntilOk({ image, network, cmd: ['etcdctl', '--endpoints', endpoint, 'put', 'greeting', 'konnichiwa'] })
    expect(put.stdout.trim()).toBe('OK')
    const get = await engine.run({ image, network, cmd: ['etcdctl', '--endpoints', endpoint, 'get', 'greeting'] })
    expect(get.stdout.trim().split('\n')).toEqual(['greeting', 'konnichiwa'])
  })

  it('dynamodb-local and aws-cli: create-table, put-item, get-item, list-tables', async () => {
    const network = await engine.network('ddb')
    const server = engine.name('dynamodb')
    await engine.start({
      image: standin('dynamodb-local'),
      name: server,
      network,
      cmd: ['-jar', 'DynamoDBLocal.jar', '-sharedDb', '-inMemory'],
    })
    const aws = (...args: string[]) => ({
      image: standin('aws-cli'),
      network,
      env: ['AWS_ACCESS_KEY_ID=dummy', 'AWS_SECRET_ACCESS_KEY=dummy', 'AWS_DEFAULT_REGION=ap-northeast-1'],
      cmd: ['dynamodb', ...args, '--endpoint-url', `http://${server}:8000`],
    })
    const json = (result: { exitCode: number, stdout: string, stderr: string }) => {
      expect(result.stderr).toBe('')
      expect(result.exitCode).toBe(0)
      return JSON.parse(result.stdout || '{}')
    }

    const empty = json(await engine.runUntilOk(aws('list-tables')))
    expect(empty).toEqual({ TableNames: [] })

    const created = json(await engine.run(aws('create-table', '--table-name', 'Music',
      '--attribute-definitions', 'AttributeName=Artist,AttributeType=S',
      '--key-schema', 'AttributeName=Artist,KeyType=HASH',
      '--provisioned-throughput', 'ReadCapacityUnits=1,WriteCapacityUnits=1')))
    expect(created.TableDescription).toMatchObject({ TableName: 'Music', TableStatus: 'ACTIVE' })

    const item = { Artist: { S: 'Acme Band' }, Song: { S: 'Happy Day' } }
    expect(json(await engine.run(aws('put-item', '--table-name', 'Music', '--item', JSON.stringify(item))))).toEqual({})
    const got = json(await engine.run(aws('get-item', '--table-name', 'Music', '--key', JSON.stringify({ Artist: item.Artist }))))
    expect(got).toEqual({ Item: item })
    expect(json(await engine.run(aws('list-tables')))).toEqual({ TableNames: ['Music'] })

    const missing = await engine.run(aws('get-item', '--table-name', 'Nope', '--key', JSON.stringify({ Artist: item.Artist })))
    expect(missing.exitCode).toBe(254)
    expect(missing.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the GetItem operation')
  })
})
