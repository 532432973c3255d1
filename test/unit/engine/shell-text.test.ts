import { describe, expect, it } from 'vitest'
import { shellEnvironment } from '../../../demo-server/shell/environment'
import { currentLine, echoCaughtUp, endsWithShellPrompt, splitPartialLine, stripTerminalControls } from '../../../demo-server/engine/shell-text'
import { judgedExitCode } from '../../../demo-server/engine/demo-shell'
import { markExecCreate } from '../../../demo-server/proxy/rewrite'
import { stepsOf } from '../../support/inline-deck'

describe('reading a shell\'s output', () => {
  it('finds busybox\'s prompt behind its cursor query, and other prompts', () => {
    expect(endsWithShellPrompt('cd\r\n~ # \x1b[6n')).toBe(true)
    expect(endsWithShellPrompt('/aws # ')).toBe(true)
    expect(endsWithShellPrompt('\x1b[01;32muser@host\x1b[00m:~$ ')).toBe(true)
    expect(endsWithShellPrompt('PING co2 (172.18.0.3): 56 data bytes\r\n')).toBe(false)
    expect(endsWithShellPrompt('progress 50%\r')).toBe(false)
    expect(endsWithShellPrompt('# comment')).toBe(false)
  })

  it('reads the cursor\'s line after line feeds and carriage returns', () => {
    expect(currentLine('a\r\nb\rc')).toBe('c')
    expect(stripTerminalControls('\x1b]0;title\x07x\x1b[1;31my\x1b7')).toBe('xy')
  })

  it('holds back a trailing partial line only', () => {
    expect(splitPartialLine('one\r\ntwo\r\n/ # ')).toEqual({ lines: 'one\r\ntwo\r\n', partial: '/ # ' })
    expect(splitPartialLine('no end')).toEqual({ lines: '', partial: 'no end' })
  })

  it('sees a wrapped echo catch up', () => {
    expect(echoCaughtUp('aws dynamodb list-tab\r\nles --endpoint-url http://dynamodb:8000', 'aws dynamodb list-tables --endpoint-url http://dynamodb:8000')).toBe(true)
    expect(echoCaughtUp('aws dyn', 'aws dynamodb list-tables')).toBe(false)
  })

  it('judges a typed line\'s expect-fail on its text', () => {
    const steps = stepsOf('docker run -it alpine sh', '/ # ping -c 1 co3  # expect-fail: bad address', '/ # false  # expect-fail', '/ # true')
    expect(judgedExitCode(steps[1], 'ping: bad address \'co3\'\r\n')).toBe(1)
    expect(judgedExitCode(steps[1], 'PING co3 ...')).toBe(0)
    expect(judgedExitCode(steps[2], '')).toBe(1)
    expect(judgedExitCode(steps[3], 'anything')).toBe(0)
  })
})

describe('the environment of a demo\'s shell', () => {
  // Which CLI: test/unit/docker-cli/which-cli.test.ts (one lookup for the check and the runs).
  it('is the presenter\'s, with docker on the proxy, what would send it elsewhere emptied, our programs first on PATH', () => {
    const env = shellEnvironment({ HOME: '/home/p', DOCKER_HOST: 'tcp://remote:2376', DOCKER_CONTEXT: 'prod', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/c', PATH: '/bin', GREETING: 'hi', npm_lifecycle_event: 'start', COLUMNS: '80' }, { dockerHost: 'unix:///tmp/p/door-1.sock', binDir: '/tmp/s/bin', inputrc: '/tmp/s/inputrc', stateFile: '/tmp/s/states/d--a.sh', inherit: ['/tmp/s/states/d--b.sh', '/tmp/s/states/d--c.sh'] })
    expect(env).toEqual({
      HOME: '/home/p',
      PATH: '/tmp/s/bin:/bin',
      GREETING: 'hi',
      DOCKER_HOST: 'unix:///tmp/p/door-1.sock',
      TERM: 'xterm-256color',
      DOCKER_CONTEXT: '',
      DOCKER_TLS: '',
      DOCKER_TLS_VERIFY: '',
      DOCKER_CERT_PATH: '',
      DOCKER_API_VERSION: '',
      DOCKER_CONFIG: '/home/p/.docker',
      INPUTRC: '/tmp/s/inputrc',
      DOCKER_DEMO_SHELL_STATE: '/tmp/s/states/d--a.sh',
      DOCKER_DEMO_INHERIT: '/tmp/s/states/d--b.sh\n/tmp/s/states/d--c.sh',
    })
  })
})

describe('the proxy marks exec creates', () => {
  it('adds the run\'s mark and replaces one the client sent', () => {
    expect(markExecCreate({ Cmd: ['sh'], Env: ['A=1', 'DOCKER_DEMO_EXEC=forged'] }, 'run-1')).toEqual({ Cmd: ['sh'], Env: ['A=1', 'DOCKER_DEMO_EXEC=run-1'] })
    expect(markExecCreate({ Cmd: ['sh'] }, 'run-2').Env).toEqual(['DOCKER_DEMO_EXEC=run-2'])
  })
})
