/** Which global options would take a step past the proxy (programs.ts). */
import { describe, expect, it } from 'vitest'
import { forbiddenGlobalOption, subcommandOf } from '../../../demo-server/docker-cli/programs'

const argv = (line: string) => line.split(' ').filter(Boolean)

describe('forbiddenGlobalOption', () => {
  it.each([
    ['docker-compose', '--context default down', '--context default'],
    ['docker-compose', '-c default down', '-c default'],
    ['docker-compose', '--ho=tcp://h:2375 ps', '--ho=tcp://h:2375'],
    ['docker-compose', '--hos tcp://h:2375 up -d', '--hos'],
    ['docker-compose', '--cont=prod ps', '--cont=prod'],
    ['docker-compose', '--project-n x -H unix:///s down', '--project-n'],
    ['docker-compose', '--tlsverify ps', '--tlsverify'],
    ['docker', '--config ./cfg compose up', '--config ./cfg'],
    ['docker', '--conf=./cfg ps', '--conf=./cfg'],
  ] as const)('refuses %s "%s"', (program, line, option) => {
    expect(forbiddenGlobalOption(program, argv(line))).toBe(option)
  })

  it.each([
    ['-H unix:///var/run/docker.sock rm -f x', '-H unix:///var/run/docker.sock'],
    ['--host=tcp://10.0.0.1:2375 ps', '--host=tcp://10.0.0.1:2375'],
    ['-Htcp://h:2375 ps', '-Htcp://h:2375'],
    ['-D -H unix:///s ps', '-H unix:///s'],
    ['-DH unix:///s ps', '-DH unix:///s'],
    ['--context other ps', '--context other'],
    ['-c=remote ps', '-c=remote'],
    ['-f app/compose.yml -p shop -H unix:///s down', '-H unix:///s'],
    ['--log-level debug -c prod ps', '-c prod'],
  ])('refuses "%s"', (line, option) => {
    const program = line.includes('-f ') ? 'docker-compose' : 'docker'
    expect(forbiddenGlobalOption(program, argv(line))).toBe(option)
  })

  it.each([
    'ps',
    '--context default ps',
    '--context=default ps',
    'run --rm curlimages/curl -H Accept:json http://web',
    'run --add-host h:1.2.3.4 alpine',
    '-f compose.yml -p web up -d',
    'exec web sh -c "docker -H x ps"',
  ])('lets "%s" through', (line) => {
    const program = /-f |exec web/.test(line) ? 'docker-compose' : 'docker'
    expect(forbiddenGlobalOption(program, argv(line))).toBeUndefined()
  })
})

describe('subcommandOf', () => {
  it('skips the global options and their values', () => {
    expect(subcommandOf('docker', argv('compose up -d'))).toBe('compose')
    expect(subcommandOf('docker', argv('-D --context default compose ps'))).toBe('compose')
    expect(subcommandOf('docker', argv('-l debug ps'))).toBe('ps')
    expect(subcommandOf('docker-compose', argv('-f a.yml -p shop up'))).toBe('up')
    expect(subcommandOf('docker', argv('--version'))).toBeUndefined()
  })
})
