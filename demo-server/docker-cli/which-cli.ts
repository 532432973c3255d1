/**
 * Which docker CLI runs the deck's docker steps: `DOCKER_DEMO_CLI` (a path, or a name looked up
 * on PATH) or else `docker` on PATH. The deck check asks this CLI for its flags, and the run
 * path runs it, so both must resolve it here and nowhere else.
 */
import { accessSync, constants, statSync } from 'node:fs'
import path from 'node:path'

export const CLI_ENV = 'DOCKER_DEMO_CLI'

export class DockerCliNotFoundError extends Error {
  readonly code = 'DOCKER_CLI_NOT_FOUND'
  constructor(message: string) {
    super(message)
    this.name = 'DockerCliNotFoundError'
  }
}

const INSTALL_HINT = 'install the docker CLI (Docker Desktop on macOS and Windows; on Debian or Ubuntu `sudo apt-get install docker.io`, or docker-ce-cli from Docker\'s apt repository), or set DOCKER_DEMO_CLI to the path of one'

/** The absolute path of the docker CLI to run. Throws DockerCliNotFoundError naming what to
 *  install. */
export function resolveDockerCli(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = env[CLI_ENV]?.trim()
  if (wanted) {
    const found = wanted.includes('/') ? executable(path.resolve(wanted)) : onPath(wanted, env.PATH)
    if (!found)
      throw new DockerCliNotFoundError(`${CLI_ENV}="${wanted}" is not an executable file${wanted.includes('/') ? '' : ' on PATH'}: ${INSTALL_HINT}`)
    return found
  }
  const found = onPath('docker', env.PATH)
  if (!found)
    throw new DockerCliNotFoundError(`no "docker" on PATH (${env.PATH ?? 'PATH is not set'}): ${INSTALL_HINT}`)
  return found
}

function onPath(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter).filter(Boolean)) {
    const found = executable(path.resolve(dir, name))
    if (found)
      return found
  }
  return undefined
}

function executable(file: string): string | undefined {
  try {
    if (!statSync(file).isFile())
      return undefined
    accessSync(file, constants.X_OK)
    return file
  }
  catch {
    return undefined
  }
}
