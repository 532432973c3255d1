/** The images a demo names, for a recording's header (demo-server/recordings/images.ts). */
import { describe, expect, it } from 'vitest'
import { parseDeck } from '../../../demo-server/deck/parse'
import { imagesUsedBy } from '../../../demo-server/recordings/images'
import { HELPER_IMAGE } from '../../../demo-server/engine/host'

const stepsOf = (...lines: string[]) =>
  parseDeck(`<DockerDemo id="d">\n\n\`\`\`sh\n${lines.join('\n')}\n\`\`\`\n\n</DockerDemo>\n`, 'deck.md').demos[0].steps

describe('imagesUsedBy', () => {
  it('reads the image of run, create, pull and history past flags it does not know', () => {
    expect(imagesUsedBy(stepsOf(
      'docker run --rm -p 8080:80 --memory 64m -it nginx sh',
      'docker container create --name c -e A=1 ubuntu:22.04',
      'docker pull -q python',
      'docker image history --no-trunc alpine',
      'docker run --init --read-only -P nginx',
    ))).toEqual(['nginx:latest', 'ubuntu:22.04', 'python:latest', 'alpine:latest'])
  })

  it('skips variables, shown-only lines and compose, and names the helper for host steps', () => {
    expect(imagesUsedBy(stepsOf(
      'IMG=$(docker build -q .)',
      'docker run --rm $IMG',
      'docker run --rm busybox  # shown-only: on the Mac',
      'docker-compose run --rm web sh',
      'host$ ls /',
    ))).toEqual([HELPER_IMAGE])
  })
})
