/** Which global options would take a step past the proxy (programs.ts). */
import { describe, expect, it } from 'vitest'
import { programOf, forbiddenGlobalOption } from '../../../demo-server/docker-cli/programs'

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

describe('programOf', () => {
  it('is the first word when it is docker or docker-compose', () => {
    expect(programOf('docker ps')).toBe('docker')
    expect(programOf('docker-compose up -d')).toBe('docker-compose')
    expect(programOf('dockerd')).toBeUndefined()
  })
})
