/** Which stopped lines keep the containers they started (demo-server/engine/stop-run.ts). */
import { describe, expect, it } from 'vitest'
import { keepsContainersWhenStopped } from '../../../demo-server/engine/stop-run'
import { stepsOf } from '../../support/inline-deck'

const detached = (line: string) => keepsContainersWhenStopped(stepsOf(line)[0])

describe('keepsContainersWhenStopped', () => {
  it('is a docker run, or compose up or run, with -d, wherever it sits in the line', () => {
    expect(detached('docker run -d --name web nginx')).toBe(true)
    expect(detached('docker container run -dit alpine sh')).toBe(true)
    expect(detached('docker-compose -f a.yml up -d')).toBe(true)
    expect(detached('docker-compose run -d web')).toBe(true)
    expect(detached('docker volume create v && docker run -d --name w nginx')).toBe(true)
    expect(detached('CID=$(docker run -d nginx)')).toBe(true)
  })

  it('is not a foreground run, --detach=false, or -d inside the container\'s command', () => {
    expect(detached('docker run --rm alpine sleep 5')).toBe(false)
    expect(detached('docker run --detach=false alpine true')).toBe(false)
    expect(detached('docker run alpine sh -c -d')).toBe(false)
    expect(detached('docker exec -d web sleep 5')).toBe(false)
    expect(detached('docker-compose up')).toBe(false)
    expect(detached('echo -d')).toBe(false)
  })
})
