/** Which global options would take a step past the proxy (programs.ts). */
import { describe, expect, it } from 'vitest'
import { commandParts, forbiddenGlobalOption, forbiddenVariables, programOf } from '../../../demo-server/docker-cli/programs'

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
  it('is the first word after any NAME=value when it is docker or docker-compose', () => {
    expect(programOf('docker ps')).toBe('docker')
    expect(programOf('docker-compose up -d')).toBe('docker-compose')
    expect(programOf('DOCKER_BUILDKIT=0 docker build .')).toBe('docker')
    expect(programOf('TAG="v 2" A=\'x y\' docker-compose up')).toBe('docker-compose')
    expect(programOf('dockerd')).toBeUndefined()
    expect(programOf('A=1 ls')).toBeUndefined()
  })
})

describe('commandParts and forbiddenVariables', () => {
  it('splits NAME=value words from the program and its arguments', () => {
    expect(commandParts(['A=1', 'B=x y', 'docker', 'run', 'X=2'])).toEqual({ env: { A: '1', B: 'x y' }, program: 'docker', args: ['run', 'X=2'] })
  })

  it('refuses what would go around the proxy or load the deck\'s programs', () => {
    expect(forbiddenVariables({ DOCKER_BUILDKIT: '0', TAG: 'v2', COMPOSE_PROJECT_NAME: 'x' })).toEqual([])
    expect(forbiddenVariables({ DOCKER_HOST: 'x', DOCKER_CONTEXT: 'p', DOCKER_CONFIG: '.', DOCKER_TLS_VERIFY: '1', PATH: '.', LD_PRELOAD: 'x', PYTHONPATH: '.', HOME: '.' }))
      .toEqual(['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_TLS_VERIFY', 'PATH', 'LD_PRELOAD', 'PYTHONPATH', 'HOME'])
  })
})
