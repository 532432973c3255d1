/** Which docker CLI runs the deck: DOCKER_DEMO_CLI, else docker on PATH. */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockerCliNotFoundError, resolveDockerCli, resolveProgram } from '../../../demo-server/docker-cli/which-cli'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'which-cli-'))
  for (const sub of ['a', 'b', 'c']) await mkdir(path.join(dir, sub))
  for (const file of ['b/docker', 'c/docker', 'c/docker-old', 'c/docker-compose']) {
    await writeFile(path.join(dir, file), '#!/bin/sh\n')
    await chmod(path.join(dir, file), 0o755)
  }
  await writeFile(path.join(dir, 'a/docker'), 'not executable')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const PATH = () => ['a', 'b', 'c'].map(sub => path.join(dir, sub)).join(path.delimiter)

describe('resolveDockerCli', () => {
  it('takes the first executable docker on PATH', () => {
    expect(resolveDockerCli({ PATH: PATH() })).toBe(path.join(dir, 'b/docker'))
  })

  it('prefers DOCKER_DEMO_CLI, a path or a name on PATH', () => {
    expect(resolveDockerCli({ PATH: PATH(), DOCKER_DEMO_CLI: path.join(dir, 'c/docker') })).toBe(path.join(dir, 'c/docker'))
    expect(resolveDockerCli({ PATH: PATH(), DOCKER_DEMO_CLI: 'docker-old' })).toBe(path.join(dir, 'c/docker-old'))
  })

  it('names what to install when there is none', () => {
    expect(() => resolveDockerCli({ PATH: path.join(dir, 'a') })).toThrow(DockerCliNotFoundError)
    expect(() => resolveDockerCli({ PATH: path.join(dir, 'a') })).toThrow(/no "docker" on PATH .*install the docker CLI/)
    expect(() => resolveDockerCli({ PATH: PATH(), DOCKER_DEMO_CLI: path.join(dir, 'a/docker') })).toThrow(/DOCKER_DEMO_CLI=".*a\/docker" is not an executable file: install/)
  })

  it('finds compose v1 the same way, under its own variable', () => {
    expect(resolveProgram('docker-compose', { PATH: PATH() })).toBe(path.join(dir, 'c/docker-compose'))
    expect(resolveProgram('docker-compose', { PATH: PATH(), DOCKER_DEMO_COMPOSE: path.join(dir, 'c/docker-old') })).toBe(path.join(dir, 'c/docker-old'))
    expect(() => resolveProgram('docker-compose', { PATH: path.join(dir, 'b') })).toThrow(/no "docker-compose" on PATH .*apt-get install docker-compose.*"docker compose \.\.\."/)
  })
})
