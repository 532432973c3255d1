/** The images a demo names, for a recording's header (demo-server/recordings/images.ts). */
import { describe, expect, it } from 'vitest'
import { imagesUsedBy } from '../../../demo-server/recordings/images'
import { HELPER_IMAGE } from '../../../demo-server/shell/rc'
import { stepsOf } from '../../support/inline-deck'


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
