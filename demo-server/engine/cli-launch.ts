/**
 * The environment the presenter's own docker CLI runs with (which-cli.ts finds it): theirs, but
 * talking only to our proxy.
 */
/** The variables that would send the CLI somewhere else than DOCKER_HOST, or change how it
 *  connects: DOCKER_HOST itself is set to the proxy. */
const REDIRECTING = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_API_VERSION']

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
