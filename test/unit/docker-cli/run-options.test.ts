import { describe, expect, it } from 'vitest'
import { parseDockerArgv } from '../../../demo-server/docker-cli/parse-argv'
import { parsePublish } from '../../../demo-server/docker-cli/ports'
import { isShellCommand, planExec, planRun } from '../../../demo-server/docker-cli/run-options'
import { tokenize } from '../../../demo-server/docker-cli/tokenize'

const LABELS = { 'org.docker-demo.deck': 'deck', 'org.docker-demo.demo': 'demo', 'org.docker-demo.run': 'r1' }
const parse = (line: string) => parseDockerArgv(tokenize(line, { variable: () => undefined, pwd: () => '/work/deck' }).slice(1))
const plan = (line: string, env: Record<string, string> = {}) => planRun(parse(line), { labels: LABELS, workdir: '/work/deck', env: name => env[name] })

describe('docker run -> create options', () => {
  it('a plain foreground run attaches stdout and stderr, labelled', () => {
    const p = plan('docker run --rm alpine echo hi')
    expect(p).toMatchObject({ image: 'alpine', command: ['echo', 'hi'], detach: false, remove: true, tty: false })
    expect(p.create).toMatchObject({
      Image: 'alpine',
      Cmd: ['echo', 'hi'],
      Labels: LABELS,
      Tty: false,
      OpenStdin: false,
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: { NetworkMode: 'default', AutoRemove: false },
    })
  })

  it('-it opens stdin and a TTY; -d attaches nothing; -d --rm is removed by the daemon', () => {
    expect(plan('docker run -it alpine sh').create).toMatchObject({ Tty: true, OpenStdin: true, AttachStdin: true, StdinOnce: false })
    const detached = plan('docker run -d --rm --name co1 alpine sleep infinity')
    expect(detached.create).toMatchObject({ name: 'co1', AttachStdin: false, AttachStdout: false, AttachStderr: false, HostConfig: { AutoRemove: true } })
  })

  it('the image default command stays when none is given', () => {
    expect(plan('docker run -it ubuntu').create.Cmd).toBeUndefined()
  })

  it('flags after the image belong to the command', () => {
    expect(plan('docker run alpine ls -la /').command).toEqual(['ls', '-la', '/'])
  })

  it('--mount src=X is a named volume to create, labelled, first', () => {
    const p = plan('docker run --rm --mount src=vol,dst=/app alpine ls /app')
    expect(p.namedVolumes).toEqual([{ name: 'vol', driverOptions: {} }])
    expect(p.create.HostConfig.Mounts).toEqual([{ Type: 'volume', Source: 'vol', Target: '/app', ReadOnly: undefined }])
  })

  it('anonymous volumes carry the labels in their VolumeOptions', () => {
    const p = plan('docker run -v /data --mount type=volume,dst=/more alpine true')
    expect(p.namedVolumes).toEqual([])
    expect(p.create.HostConfig.Mounts).toEqual([
      { Type: 'volume', Target: '/data', ReadOnly: undefined, VolumeOptions: { Labels: LABELS } },
      { Type: 'volume', Target: '/more', ReadOnly: undefined, VolumeOptions: { Labels: LABELS } },
    ])
  })

  it('-v binds resolve relative paths against $(pwd); named -v volumes are created first', () => {
    const p = plan('docker run -v $(pwd)/target:/backup -v ./src:/src:ro -v data:/data alpine true')
    expect(p.create.HostConfig.Binds).toEqual(['/work/deck/target:/backup', '/work/deck/src:/src:ro', 'data:/data'])
    expect(p.namedVolumes.map(v => v.name)).toEqual(['data'])
  })

  it('--mount type=bind and tmpfs', () => {
    const p = plan('docker run --mount type=bind,src=/etc,dst=/host-etc,readonly --mount type=tmpfs,dst=/tmp alpine true')
    expect(p.create.HostConfig.Mounts).toEqual([
      { Type: 'bind', Source: '/etc', Target: '/host-etc', ReadOnly: true },
      { Type: 'tmpfs', Target: '/tmp', ReadOnly: undefined },
    ])
  })

  it('network, volumes-from, ports, env, caps, security, logging, entrypoint, workdir, hostname', () => {
    const p = plan('docker run --network net1 --volumes-from co1:ro -p 8000:8000 -e A=1 -e HOME2 --cap-add NET_ADMIN --security-opt seccomp=unconfined --log-driver none --log-opt max-size=1m --entrypoint sh -w /app -h box alpine -c true', { HOME2: '/x' })
    expect(p.network).toBe('net1')
    expect(p.referencedContainers).toEqual(['co1'])
    expect(p.create).toMatchObject({
      Entrypoint: ['sh'],
      Cmd: ['-c', 'true'],
      Env: ['A=1', 'HOME2=/x'],
      WorkingDir: '/app',
      Hostname: 'box',
      ExposedPorts: { '8000/tcp': {} },
      HostConfig: {
        NetworkMode: 'net1',
        VolumesFrom: ['co1:ro'],
        PortBindings: { '8000/tcp': [{ HostIp: '', HostPort: '8000' }] },
        CapAdd: ['NET_ADMIN'],
        SecurityOpt: ['seccomp=unconfined'],
        LogConfig: { Type: 'none', Config: { 'max-size': '1m' } },
      },
    })
  })

  it('an unset -e NAME is left out, as the CLI does', () => {
    expect(plan('docker run -e NOPE alpine true').create.Env).toBeUndefined()
  })

  it('--entrypoint "" resets the entrypoint', () => {
    expect(plan('docker run --entrypoint "" alpine true').create.Entrypoint).toEqual([''])
  })

  it('--network container:X refers to a container', () => {
    expect(plan('docker run --network container:co1 alpine true').referencedContainers).toEqual(['co1'])
  })

  it('refuses two different networks at start', () => {
    expect(() => plan('docker run --network a --network b alpine true')).toThrow(/network connect/)
  })
})

describe('-p / --publish', () => {
  it('reads the CLI forms', () => {
    expect(parsePublish(['127.0.0.1:8080:80/udp']).bindings).toEqual({ '80/udp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] })
    expect(parsePublish(['80']).bindings).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '' }] })
    expect(parsePublish(['127.0.0.1::80']).bindings).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] })
    expect(parsePublish(['[::1]:80:80']).bindings).toEqual({ '80/tcp': [{ HostIp: '::1', HostPort: '80' }] })
    expect(parsePublish(['8000-8001:80-81']).bindings).toEqual({
      '80/tcp': [{ HostIp: '', HostPort: '8000' }],
      '81/tcp': [{ HostIp: '', HostPort: '8001' }],
    })
  })

  it('names what is wrong', () => {
    expect(() => parsePublish(['80/icmp'])).toThrow(/invalid protocol "icmp"/)
    expect(() => parsePublish(['a:b'])).toThrow(/invalid port "b"/)
    expect(() => parsePublish(['8000-8002:80-81'])).toThrow(/differ in size/)
  })
})

describe('docker exec -> exec options', () => {
  it('-it attaches stdin with a TTY and our detach keys', () => {
    const p = planExec(parse('docker exec -it co1 sh'), () => undefined)
    expect(p).toMatchObject({ container: 'co1', interactive: true, tty: true, detach: false })
    expect(p.create).toMatchObject({ Cmd: ['sh'], Tty: true, AttachStdin: true, AttachStdout: true })
    expect(p.create.DetachKeys).toBeTruthy()
  })

  it('-d attaches nothing; -e and -w pass through', () => {
    const p = planExec(parse('docker exec -d -e A=1 -w /tmp co1 touch x'), () => undefined)
    expect(p.create).toMatchObject({ Cmd: ['touch', 'x'], AttachStdout: false, Env: ['A=1'], WorkingDir: '/tmp' })
  })
})

describe('shell commands (entering steps)', () => {
  it.each([
    [['sh'], true],
    [['/bin/bash'], true],
    [['bash', '-l'], true],
    [['sh', '-c', 'ls'], false],
    [['ping', 'co2'], false],
    [[], false],
  ])('%j -> %s', (command, expected) => {
    expect(isShellCommand(command)).toBe(expected)
  })
})
