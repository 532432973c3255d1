/** The deck check's model of what exists, case by case (the fixtures cover the messages). */
import { describe, expect, it } from 'vitest'
import { checkDeck } from '../../../demo-server/deck/check'
import { formatProblem } from '../../../demo-server/deck/model'
import { parseDeck } from '../../../demo-server/deck/parse'
import { fixedShellFacts } from '../../../demo-server/shell/facts'
import { CAPTURED_SPECS } from '../../fixtures/docker-help/captured'
import { demoSource } from '../../support/inline-deck'

/** The problems, the same with every captured CLI. */
function problemsOf(...lines: string[]): string[] {
  const source = demoSource(lines)
  const [first, ...rest] = CAPTURED_SPECS.map(cli => checkDeck(parseDeck(source, 'deck.md', { docker: cli }), { docker: cli }, fixedShellFacts()).map(formatProblem))
  for (const other of rest)
    expect(other).toEqual(first)
  return first
}

describe('containers started with --rm', () => {
  it('are gone after a foreground step', () => {
    expect(problemsOf('docker run --rm --name once alpine true', 'docker logs once')).toEqual([
      'deck.md:5: container "once" is not created by an earlier step of this demo (docker run --name once ...), nor by a demo it uses',
    ])
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
      .toEqual(['deck.md:5: container name "web" is already used by line 4; remove it first (docker rm -f web)'])
  })

  it('exist while a terminal is in them', () => {
    expect(problemsOf('docker run -it --rm --name box alpine sh', '/ # ls')).toEqual([])
  })
})

describe('what presenters write in other talks', () => {
  it('a "/ # exit" ends the shell: a later "/ #" line has none to go to', () => {
    expect(problemsOf('docker run -it --name box alpine sh', '/ # exit', '/ # echo after')).toEqual([
      'deck.md:6: "/ #" runs inside a container, but no earlier step entered one: add "docker run -it", "docker exec -it" or "docker container attach" before it',
    ])
  })

  it('docker start -ai enters the container it starts', () => {
    expect(problemsOf('docker create -it --name life alpine sh', 'docker start -ai life', '/ # echo inside', '/ # exit')).toEqual([])
  })

  it('follows a rename, and holds update and export to existing containers', () => {
    expect(problemsOf('docker run -d --name sh1 alpine sleep 60', 'docker rename sh1 sh1b', 'docker stop sh1b', 'docker logs sh1', 'docker update --memory 64m nosuch', 'docker export -o x.tar nosuch')).toEqual([
      'deck.md:7: container "sh1" is not created by an earlier step of this demo (docker run --name sh1 ...), nor by a demo it uses',
      'deck.md:8: container "nosuch" is not created by an earlier step of this demo (docker run --name nosuch ...), nor by a demo it uses',
      'deck.md:9: container "nosuch" is not created by an earlier step of this demo (docker run --name nosuch ...), nor by a demo it uses',
    ])
  })

  it('a host step may use what its own shell sets', () => {
    expect(problemsOf('host$ X=1; echo $X', 'host$ for F in /etc/*.conf; do ls "$F"; done', 'host$ read A B < /etc/hostname; echo $A', 'host$ echo $UNSET')).toEqual([
      'deck.md:7: $UNSET is not set by an earlier step of this demo (write UNSET=$(docker ...) first)',
    ])
  })
})

describe('variables set before the program', () => {
  it('reach the program, except those that would go around the proxy', () => {
    expect(problemsOf('DOCKER_BUILDKIT=0 docker build -t x .', 'X=$(DOCKER_BUILDKIT=0 docker build -q .)', 'docker run --rm $X')).toEqual([])
    expect(problemsOf('DOCKER_HOST=tcp://10.0.0.1:2375 docker ps')[0]).toMatch(/^deck\.md:4: DOCKER_HOST set for docker: every step goes through/)
  })
})
