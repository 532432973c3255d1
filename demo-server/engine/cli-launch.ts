/**
 * The environment the presenter's own docker CLI (or compose v1) runs with (which-cli.ts finds
 * it): theirs, but talking only to our proxy.
 */
import os from 'node:os'
import path from 'node:path'

/** The variables that would send the CLI somewhere else than DOCKER_HOST, or change how it
 *  connects: DOCKER_HOST itself is set to the proxy. */
const REDIRECTING = ['DOCKER_CONTEXT', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_API_VERSION']

/**
 * The CLI's environment: the presenter's (HOME keeps ~/.docker/config.json: detach keys, formats),
 * with DOCKER_HOST on the proxy, what would redirect it emptied, and a terminal type xterm.js
 * understands.
 *
 * Emptied, not deleted: compose v1 fills a variable missing from its environment from the
 * project's `.env` file (which a deck may write) and hands its environment on to the `docker` it
 * runs for `exec`, `run` and `build`. Empty counts as unset for the docker CLI and docker-py
 * alike. DOCKER_CONFIG is pinned for the same reason: a config directory of the deck's could
 * bring CLI plugins, programs the deck did not name.
 */
export function cliEnvironment(base: NodeJS.ProcessEnv, dockerHost: string, tty: boolean): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined)
      env[name] = value
  }
  env.DOCKER_HOST = dockerHost
  for (const name of REDIRECTING)
    env[name] = ''
  env.DOCKER_CONFIG = base.DOCKER_CONFIG || path.join(base.HOME ?? os.homedir(), '.docker')
  if (tty)
    env.TERM = 'xterm-256color'
  return env
}
