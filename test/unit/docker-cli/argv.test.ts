import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../../../demo-server/docker-cli/commands'
import { CommandLineError, parseDockerArgv } from '../../../demo-server/docker-cli/parse-argv'
import { parseMountFlag, parseVolumeFlag } from '../../../demo-server/docker-cli/mounts'

const parse = (line: string) => parseDockerArgv(line.split(' '))

describe('parseDockerArgv', () => {
  it('reads clustered short flags and stops at the image', () => {
    const command = parse('run -dit --name co1 --network net alpine ash -c x')
    expect(command.name).toBe('run')
    expect([...command.flags.keys()]).toEqual(['--detach', '--interactive', '--tty', '--name', '--network'])
    expect(command.flags.get('--name')).toEqual(['co1'])
    expect(command.operands).toEqual(['alpine', 'ash', '-c', 'x'])
  })

  it('keeps flags after the image for the command inside (not for docker)', () => {
    expect(parse('run --rm alpine ls -la /app').operands).toEqual(['alpine', 'ls', '-la', '/app'])
    expect(parse('exec -it co1 ping -c 2 co2').operands).toEqual(['co1', 'ping', '-c', '2', 'co2'])
  })

  it('reads --flag=value, repeated flags and aliases', () => {
    const command = parse('run --cap-add=SYS_PTRACE --security-opt seccomp=unconfined -e A=1 --env B=2 --net host alpine')
    expect(command.flags.get('--cap-add')).toEqual(['SYS_PTRACE'])
    expect(command.flags.get('--env')).toEqual(['A=1', 'B=2'])
    expect(command.flags.get('--network')).toEqual(['host'])
  })

  it('takes a short flag\'s value attached or from the next argument, at the end of a cluster', () => {
    const command = parse('run -p8000:80 -dp 9000:90 --name= alpine')
    expect(command.flags.get('--publish')).toEqual(['8000:80', '9000:90'])
    expect(command.flags.get('--detach')).toEqual(['true'])
    expect(command.flags.get('--name')).toEqual([''])
    expect(command.operands).toEqual(['alpine'])
  })

  it('resolves two-word commands and their aliases', () => {
    expect(parse('container ls -a -s').name).toBe('ps')
    expect(parse('container attach co1').name).toBe('attach')
    expect(parse('volume prune -f').name).toBe('volume prune')
    expect(parse('network connect bridge co4').operands).toEqual(['bridge', 'co4'])
  })

  it.each([
    ['connect bridge co4', 'unknown docker subcommand "connect"'],
    ['volume frob', 'unknown docker subcommand "volume frob"'],
    ['run --frobnicate alpine', 'unknown flag "--frobnicate" for "docker run"'],
    ['run -z alpine', 'unknown flag "-z" for "docker run"'],
    ['run --name', 'flag "--name" of "docker run" needs a value'],
    ['run -dp', 'flag "-p" of "docker run" needs a value'],
    ['run --rm=yes alpine', 'takes no value'],
    ['run', '"docker run" needs an argument'],
    ['exec co1', '"docker exec" needs 2 arguments'],
    ['ps extra', '"docker ps" takes at most 0 arguments, got 1'],
  ])('refuses "docker %s"', (line, message) => {
    expect(() => parse(line)).toThrow(CommandLineError)
    expect(() => parse(line)).toThrow(message)
  })

  it('has one spelling per command in the table', () => {
    const spellings = COMMANDS.flatMap(spec => [spec.path, ...(spec.aliases ?? [])].map(path => path.join(' ')))
    expect(new Set(spellings).size).toBe(spellings.length)
  })
})

describe('mounts', () => {
  it('reads every --mount key the deck teaches', () => {
    expect(parseMountFlag('type=volume,src=vol,dst=/app,readonly,volume-opt=o=size=100m')).toEqual({
      type: 'volume', source: 'vol', target: '/app', readOnly: true, volumeOptions: { o: 'size=100m' },
    })
    expect(parseMountFlag('type=bind,source=/tmp/x,destination=/app')).toMatchObject({ type: 'bind', source: '/tmp/x', target: '/app', readOnly: false })
    expect(parseMountFlag('dst=/app')).toMatchObject({ type: 'volume', source: undefined, target: '/app' })
    expect(parseMountFlag('type=tmpfs,target=/cache')).toMatchObject({ type: 'tmpfs', target: '/cache' })
  })

  it('tells what is wrong with a --mount', () => {
    expect(() => parseMountFlag('src=vol')).toThrow('needs a destination')
    expect(() => parseMountFlag('type=nfs,dst=/x')).toThrow('type must be volume, bind or tmpfs')
    expect(() => parseMountFlag('type=bind,dst=/x')).toThrow('needs a source')
    expect(() => parseMountFlag('dst=/x,colour=red')).toThrow('unknown --mount key "colour"')
  })

  it('reads -v as named volume, bind or anonymous volume', () => {
    expect(parseVolumeFlag('myvol2:/app')).toMatchObject({ type: 'volume', source: 'myvol2', target: '/app' })
    expect(parseVolumeFlag('/tmp/deck:/backup')).toMatchObject({ type: 'bind', source: '/tmp/deck', target: '/backup' })
    expect(parseVolumeFlag('/dbdata')).toMatchObject({ type: 'volume', source: undefined, target: '/dbdata' })
    expect(parseVolumeFlag('vol:/app:ro')).toMatchObject({ readOnly: true })
  })
})
