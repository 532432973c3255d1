/** Which command a step runs, and which stopped steps keep the containers they started
 *  (demo-server/engine/cli-step.ts). */
import { describe, expect, it } from 'vitest'
import { tokenize } from '../../../demo-server/docker-cli/tokenize'
import { isDetachedRun, stepCommand } from '../../../demo-server/engine/cli-step'
import { stepsOf } from '../../support/inline-deck'

function callOf(line: string) {
  const [step] = stepsOf(line)
  return { step, args: tokenize(step.command, { variable: () => 'x', pwd: () => '/w' }).slice(1) }
}

const detached = (line: string) => isDetachedRun(callOf(line))

describe('isDetachedRun', () => {
  it('is a docker run, or compose up or run, with -d', () => {
    expect(detached('docker run -d --name web nginx')).toBe(true)
    expect(detached('docker container run -dit alpine sh')).toBe(true)
    expect(detached('docker-compose -f a.yml up -d')).toBe(true)
    expect(detached('docker-compose run -d web')).toBe(true)
  })

  it('is not a foreground run, --detach=false, or -d inside the container\'s command', () => {
    expect(detached('docker run --rm alpine sleep 5')).toBe(false)
    expect(detached('docker run --detach=false alpine true')).toBe(false)
    expect(detached('docker run alpine sh -c -d')).toBe(false)
    expect(detached('docker exec -d web sleep 5')).toBe(false)
    expect(detached('docker-compose up')).toBe(false)
  })
})

describe('stepCommand', () => {
  it('names the command past global options, with container X spelled X', () => {
    expect(stepCommand(callOf('docker attach box')).name).toBe('attach')
    expect(stepCommand(callOf('docker -D container attach box')).name).toBe('attach')
    expect(stepCommand(callOf('docker -D attach box')).name).toBe('attach')
    expect(stepCommand(callOf('docker exec -it box sh')).name).toBe('exec')
  })
})
