/** The deck check's model of what exists, case by case (the fixtures cover the messages). */
import { describe, expect, it } from 'vitest'
import { checkDeck } from '../../../demo-server/deck/check'
import { formatProblem } from '../../../demo-server/deck/model'
import { parseDeck } from '../../../demo-server/deck/parse'
import { CAPTURED_SPECS } from '../../fixtures/docker-help/captured'

/** The problems, the same with every captured CLI. */
function problemsOf(...lines: string[]): string[] {
  const source = `<DockerDemo id="d">\n\n\`\`\`sh\n${lines.join('\n')}\n\`\`\`\n\n</DockerDemo>\n`
  const [first, ...rest] = CAPTURED_SPECS.map(cli => checkDeck(parseDeck(source, 'deck.md', { docker: cli }), { docker: cli }).map(formatProblem))
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
