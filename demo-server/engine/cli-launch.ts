/**
 * Which docker CLI runs the deck's `docker ...` steps, and the environment it runs with. Pure but
 * for the file check handed in: the presenter's own CLI, talking only to our proxy.
 */
import path from 'node:path'
import { DemoError } from '../protocol.ts'

/** Names the CLI to use instead of the `docker` on PATH. */
export const CLI_ENV_VARIABLE = 'DOCKER_DEMO_CLI'

export const INSTALL_DOCKER_CLI = 'Install the docker CLI (Docker Desktop brings it; on Debian/Ubuntu `sudo apt-get install docker.io` or Docker\'s `docker-ce-cli`), or name one with DOCKER_DEMO_CLI=/path/to/docker.'

/** The variables that would send the CLI somewhere else than DOCKER_HOST, or change how it
 *  connects: DOCKER_HOST itself is set to the proxy. */
const REDIRECTING = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_API_VERSION']

/**
 * The CLI: `explicit` (an option), else DOCKER_DEMO_CLI, else the first `docker` on PATH.
 * ENGINE_UNAVAILABLE naming what to install when there is none.
 */
export function findDockerCli(explicit: string | undefined, env: NodeJS.ProcessEnv, isExecutable: (file: string) => boolean): string {
  const named = explicit ?? env[CLI_ENV_VARIABLE]
  if (named) {
    const resolved = named.includes('/') ? path.resolve(named) : searchPath(named, env.PATH ?? '', isExecutable)
    if (!resolved || !isExecutable(resolved))
      throw new DemoError('ENGINE_UNAVAILABLE', `The docker CLI "${named}" (${explicit ? 'the cli option' : CLI_ENV_VARIABLE}) is not an executable file. ${INSTALL_DOCKER_CLI}`)
    return resolved
  }
  const found = searchPath('docker', env.PATH ?? '', isExecutable)
  if (!found)
    throw new DemoError('ENGINE_UNAVAILABLE', `No docker CLI on PATH (${env.PATH ?? ''}): the demos run the presenter's own docker CLI. ${INSTALL_DOCKER_CLI}`)
  return found
}

function searchPath(name: string, pathList: string, isExecutable: (file: string) => boolean): string | undefined {
  for (const dir of pathList.split(path.delimiter)) {
    if (!dir)
      continue
    const candidate = path.join(dir, name)
    if (isExecutable(candidate))
      return candidate
  }
  return undefined
}

/**
 * The CLI's environment: the presenter's (HOME keeps ~/.docker/config.json: detach keys, formats),
 * without what would redirect it, with DOCKER_HOST on the proxy and a terminal type xterm.js
 * understands.
 */
export function cliEnvironment(base: NodeJS.ProcessEnv, dockerHost: string, tty: boolean): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !REDIRECTING.includes(name))
      env[name] = value
  }
  env.DOCKER_HOST = dockerHost
  if (tty)
    env.TERM = 'xterm-256color'
  return env
}
