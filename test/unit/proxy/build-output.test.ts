/** The deck's labels do not show as build steps (demo-server/proxy/build-output.ts). */
import { describe, expect, it } from 'vitest'
import { BuildOutputFilter } from '../../../demo-server/proxy/build-output'

const message = (stream: string) => `${JSON.stringify({ stream })}\r\n`

/** The classic builder's answer to a 2-line Dockerfile with one label of the presenter's and
 *  three of ours, as dockerd 20.10 sends it. */
const ANSWER = [
  message('Step 1/6 : FROM alpine:latest'), message('\n'), message(' ---> fba23b3cde35\n'),
  message('Step 2/6 : LABEL fid=x'), message('\n'), message(' ---> Running in 5491875f4e72\n'), message('Removing intermediate container 5491875f4e72\n'), message(' ---> 99d82cad6e66\n'),
  message('Step 3/6 : LABEL org.docker-demo.deck=d'), message('\n'), message(' ---> Running in 12804be399da\n'), message('Removing intermediate container 12804be399da\n'), message(' ---> 1d301a4af7b2\n'),
  message('Step 4/6 : LABEL org.docker-demo.demo=b'), message('\n'), message(' ---> Using cache\n'), message(' ---> 6ea5bd7a12e6\n'),
  message('Step 5/6 : LABEL org.docker-demo.run=r1'), message('\n'), message(' ---> Running in 410667deaaf2\n'), message('Removing intermediate container 410667deaaf2\n'), message(' ---> a5c26a812b31\n'),
  `${JSON.stringify({ aux: { ID: 'sha256:a5c26a812b31' } })}\r\n`,
  message('Successfully built a5c26a812b31\n'), message('Successfully tagged x:latest\n'),
].join('')

function filtered(chunkSize: number): string {
  const filter = new BuildOutputFilter(3)
  let out = ''
  for (let i = 0; i < ANSWER.length; i += chunkSize)
    out += filter.push(ANSWER.slice(i, i + chunkSize))
  return out + filter.end()
}

describe('the build answer', () => {
  it('loses the steps of our labels and counts the presenter\'s, in chunks of any size', () => {
    const streams = filtered(ANSWER.length).split('\r\n').filter(Boolean).map(line => (JSON.parse(line) as { stream?: string }).stream ?? '(aux)')
    expect(streams).toEqual([
      'Step 1/3 : FROM alpine:latest', '\n', ' ---> fba23b3cde35\n',
      'Step 2/3 : LABEL fid=x', '\n', ' ---> Running in 5491875f4e72\n', 'Removing intermediate container 5491875f4e72\n', ' ---> 99d82cad6e66\n',
      '(aux)', 'Successfully built a5c26a812b31\n', 'Successfully tagged x:latest\n',
    ])
    for (const size of [1, 7, 50])
      expect(filtered(size)).toBe(filtered(ANSWER.length))
  })

  it('passes what is not a step message unchanged', () => {
    const filter = new BuildOutputFilter(3)
    expect(filter.push('{"errorDetail":{"message":"x"},"error":"x"}\r\nnot json\r\n')).toBe('{"errorDetail":{"message":"x"},"error":"x"}\r\nnot json\r\n')
  })
})
