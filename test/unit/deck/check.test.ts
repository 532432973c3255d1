/** The deck check, case by case: what exists, what a line sets and uses, what it runs (the fixtures cover the messages). */
import { describe, expect, it } from 'vitest'
import { checkDeck } from '../../../demo-server/deck/check'
import { formatProblem } from '../../../demo-server/deck/model'
import { parseDeck } from '../../../demo-server/deck/parse'
import type { ShellFacts } from '../../../demo-server/shell/facts'
import { fixedShellFacts } from '../../../demo-server/shell/facts'
import { CAPTURED_SPECS } from '../../fixtures/docker-help/captured'
import { demoSource } from '../../support/inline-deck'

/** The problems, the same with every captured CLI, on a machine with these programs. */
function problemsOf(...lines: string[]): string[] {
  return problemsWith(fixedShellFacts({ programs: ['curl', 'grep', 'head', 'cat', 'wc', 'xargs', 'sort', 'ls', 'seq', 'sleep', 'true', 'sudo', 'env'], variables: ['GREETING'] }), ...lines)
}

function problemsWith(facts: ShellFacts, ...lines: string[]): string[] {
  const source = demoSource(lines)
  const [first, ...rest] = CAPTURED_SPECS.map(cli => checkDeck(parseDeck(source, 'deck.md', { docker: cli }), { docker: cli }, facts).map(formatProblem))
  for (const other of rest)
    expect(other).toEqual(first)
  return first
}

const NOT_CREATED = (line: number, name: string) => `deck.md:${line}:1: container "${name}" is not created by an earlier line of this demo (docker run --name ${name} ...), nor by a demo it uses`

describe('containers started with --rm', () => {
  it('are gone after a foreground step', () => {
    expect(problemsOf('docker run --rm --name once alpine true', 'docker logs once')).toEqual([NOT_CREATED(5, 'once')])
    expect(problemsOf('docker run --rm --name once alpine true', 'docker run --rm --name once alpine true')).toEqual([])
  })

  it('exist while detached, until they are stopped', () => {
    expect(problemsOf(
      'docker run -d --rm --name web alpine sleep 100',
      'docker exec web ls',
      'docker stop web',
      'docker run -d --rm --name web alpine sleep 100',
      'docker kill web',
    )).toEqual([])
    expect(problemsOf('docker run -d --rm --name web alpine sleep 100', 'docker run -d --rm --name web alpine sleep 100'))
      .toEqual(['deck.md:5:1: container name "web" is already used by line 4; remove it first (docker rm -f web)'])
  })

  it('exist while a terminal is in them', () => {
    expect(problemsOf('docker run -it --rm --name box alpine sh', '/ # ls')).toEqual([])
  })
})

describe('what presenters write in other talks', () => {
  it('a "/ # exit" ends the shell: a later "/ #" line has none to go to', () => {
    expect(problemsOf('docker run -it --name box alpine sh', '/ # exit', '/ # echo after')).toEqual([
      'deck.md:6:5: "/ #" runs inside a container, but no earlier line of this demo entered one: add "docker run -it", "docker exec -it" or "docker attach" before it',
    ])
  })

  it('a container line after a docker line that opens no terminal has no shell to go to', () => {
    expect(problemsOf('docker run -it --name box alpine sh', '/ # ls', 'docker ps', '/ # ls')).toEqual([
      'deck.md:7:5: "/ #" lines are typed into the program that line 6 starts, but "docker ps" gives no program the terminal: enter a container first ("docker run -it", "docker exec -it", "docker attach")',
    ])
    // Not docker's: the deck says the program takes the terminal.
    expect(problemsOf('ssh-like-program', '/ # ls')).toEqual([
      'deck.md:4:1: "ssh-like-program" is not on your PATH, nor a shell builtin or a function of this deck: install it, or fix the name',
    ])
  })

  it('docker start -ai enters the container it starts', () => {
    expect(problemsOf('docker create -it --name life alpine sh', 'docker start -ai life', '/ # echo inside', '/ # exit')).toEqual([])
  })

  it('follows a rename, and holds update and export to existing containers', () => {
    expect(problemsOf('docker run -d --name sh1 alpine sleep 60', 'docker rename sh1 sh1b', 'docker stop sh1b', 'docker logs sh1', 'docker update --memory 64m nosuch', 'docker export -o x.tar nosuch')).toEqual([
      NOT_CREATED(7, 'sh1'),
      NOT_CREATED(8, 'nosuch'),
      NOT_CREATED(9, 'nosuch'),
    ])
  })
})

describe('every docker invocation of a line', () => {
  it('is held to the CLI in pipelines, lists, loops, $(...) and xargs', () => {
    expect(problemsOf(
      'docker ps --frobnicate | grep web',
      'docker volume create v && docker volume lss',
      'for i in 1 2; do docker run --rmm alpine echo $i; done',
      'docker rm -f $(docker ps -q --nope)',
      'docker ps -q | xargs docker rm -f --bogus',
    )).toEqual([
      'deck.md:4:1: unknown flag "--frobnicate" for "docker ps"',
      'deck.md:5:27: unknown docker subcommand "volume lss" (see docker volume --help)',
      'deck.md:6:18: unknown flag "--rmm" for "docker run"',
      'deck.md:7:16: unknown flag "--nope" for "docker ps"',
      'deck.md:8:22: unknown flag "--bogus" for "docker rm"',
    ])
  })

  it('takes operands xargs adds at run time, and names that bash expands', () => {
    expect(problemsOf('docker ps -aq | xargs docker rm -f', 'CID=$(docker run -d alpine sleep 9)', 'docker stop $CID "$CID"', 'docker logs $(docker ps -lq)')).toEqual([])
  })
})

describe('variables', () => {
  it('are followed through assignments, export, for, read and $(...)', () => {
    expect(problemsOf(
      'X=1; export Y=2',
      'for F in a b; do echo $F; done',
      'read -r A B < /dev/null; echo "$A $B"',
      'CID=$(docker run -d alpine sleep 9)',
      'echo $X $Y $CID',
    )).toEqual([])
  })

  it('reports one nothing sets, unless the environment has it or the line says what it defaults to', () => {
    expect(problemsOf('echo $UNSET $GREETING $HOME ${MAYBE:-none} ${ALT+x} $1 $? "$@"')).toEqual([
      'deck.md:4:6: $UNSET is not set: no earlier line of this demo (or of a demo it uses) sets it, and your environment does not have it. Set it in an earlier line (UNSET=...), or write ${UNSET:-default}',
    ])
  })

  it('a host$ line\'s words are expanded by the demo\'s shell, before they reach the host', () => {
    expect(problemsOf('UPPER=/var/lib/docker', 'host$ sudo ls -l $UPPER/overlay2', 'host$ ls $NOWHERE')).toEqual([
      'deck.md:6:10: $NOWHERE is not set: no earlier line of this demo (or of a demo it uses) sets it, and your environment does not have it. Set it in an earlier line (NOWHERE=...), or write ${NOWHERE:-default}',
    ])
  })
})

describe('programs', () => {
  it('must be builtins, functions or aliases of the deck, paths, or on PATH', () => {
    expect(problemsOf('greet() { echo hi; }', 'greet', 'alias ll="ls -l"', 'll', 'curl -s localhost:8080 | head -n 3', './run.sh', 'cd /tmp && pwd', 'nosuchprogram --flag')).toEqual([
      'deck.md:11:1: "nosuchprogram" is not on your PATH, nor a shell builtin or a function of this deck: install it, or fix the name',
    ])
  })

  it('run on the Docker host or in a container are not looked for here', () => {
    expect(problemsOf('host$ sudo nsenter --help', 'docker run -it alpine sh', '/ # apk add curl')).toEqual([])
  })

  it('a missing bash is named once, with what to install', () => {
    const facts = { ...fixedShellFacts(), bash: { missing: 'no "bash" on PATH (/bin): install bash' } }
    expect(problemsWith(facts, 'docker ps')).toEqual(['deck.md:1: no "bash" on PATH (/bin): install bash'])
  })
})

describe('syntax', () => {
  it('is reported with its line and column, as bash words it', () => {
    expect(problemsOf('echo "unclosed')).toEqual(['deck.md:4:6: unexpected EOF while looking for matching `"\''])
    expect(problemsOf('docker ps )')).toEqual(['deck.md:4:11: syntax error near unexpected token `)\''])
    expect(problemsOf('for i in 1 2; do echo $i')).toEqual(['deck.md:4:1: syntax error: unexpected end of file (for statement must end with "done")'])
  })

  it('a line that continues reads on: a backslash, a heredoc, a loop over several lines', () => {
    expect(problemsOf('docker run --rm \\', '  alpine echo hi', 'cat <<EOF', 'text $GREETING', 'EOF', 'for i in 1 2; do', '  echo $i', 'done')).toEqual([])
  })
})

describe('what would go around the proxy', () => {
  it('is refused wherever it sits in the line', () => {
    const found = problemsOf(
      'DOCKER_HOST=tcp://10.0.0.1:2375 docker ps',
      'export DOCKER_CONTEXT=prod',
      'docker -H unix:///var/run/docker.sock ps | grep x',
      'sudo docker ps',
      'curl --unix-socket /var/run/docker.sock http://x/containers/json',
      'docker run -v /var/run/docker.sock:/var/run/docker.sock alpine true',
      'unset DOCKER_HOST',
      'env -i docker ps',
      'host$ docker ps',
      'for c in a; do docker --config ./cfg ps; done',
    ).map(problem => problem.replace(/: every line talks to Docker.*|: every step goes through.*/, ''))
    expect(found).toEqual([
      'deck.md:4:33: DOCKER_HOST=... before docker',
      'deck.md:5:1: DOCKER_CONTEXT is set',
      'deck.md:6:1: "docker -H unix:///var/run/docker.sock"',
      'deck.md:7:6: sudo docker',
      'deck.md:8:6: --unix-socket',
      'deck.md:8:20: "/var/run/docker.sock" names the engine\'s socket',
      'deck.md:9:15: "/var/run/docker.sock:/var/run/docker.sock" names the engine\'s socket',
      'deck.md:10:7: unset DOCKER_HOST',
      'deck.md:11:8: env -i docker',
      'deck.md:12:1: host$ docker',
      'deck.md:13:16: "docker --config ./cfg"',
    ])
  })

  it('lets variables for the program through that do not', () => {
    expect(problemsOf('DOCKER_BUILDKIT=0 docker build -t x .', 'X=$(DOCKER_BUILDKIT=0 docker build -q .)', 'docker run --rm $X', 'COMPOSE_PROJECT_NAME=shop docker ps')).toEqual([])
  })
})
