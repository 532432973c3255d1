/**
 * The environment of a demo's shell: the presenter's own, but with docker talking only to the
 * demo's proxy door, our rc file's inputs, and the programs of our bin directory (docker and
 * docker-compose as which-cli.ts resolves them, and host$) first on PATH. Pure.
 */
import os from 'node:os'
import path from 'node:path'
import { SHELL_ENV } from './rc.ts'

/** What would send docker elsewhere than DOCKER_HOST, or change how it connects. */
const REDIRECTING = ['DOCKER_CONTEXT', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_API_VERSION']
/** npm's own variables (`npm start` sets them): not the presenter's terminal. */
const NPM_VARIABLE = /^(?:npm_|INIT_CWD$|NODE$)/i

export interface ShellEnvironmentOptions {
  /** The demo's door into the proxy: `unix:///...`. */
  dockerHost: string
  /** Our docker, docker-compose and host$, first on PATH. */
  binDir: string
  inputrc: string
  /** Where the shell keeps its state after each command. */
  stateFile?: string
  /** State files of the demos this one uses, oldest first. */
  inherit?: readonly string[]
}

/**
 * Emptied, not deleted: compose v1 fills a variable missing from its environment from the
 * project's `.env` file (which a deck may write). Empty counts as unset for the docker CLI and
 * docker-py alike. DOCKER_CONFIG is pinned for the same reason: a config directory of the
 * deck's could bring CLI plugins that the deck did not name. COLUMNS and LINES go: the shell
 * reads its size from the terminal.
 */
export function shellEnvironment(base: NodeJS.ProcessEnv, options: ShellEnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !NPM_VARIABLE.test(name) && name !== 'COLUMNS' && name !== 'LINES')
      env[name] = value
  }
  env.DOCKER_HOST = options.dockerHost
  for (const name of REDIRECTING)
    env[name] = ''
  env.DOCKER_CONFIG = base.DOCKER_CONFIG || path.join(base.HOME ?? os.homedir(), '.docker')
  env.TERM = 'xterm-256color'
  env.PATH = [options.binDir, base.PATH].filter(Boolean).join(path.delimiter)
  env.INPUTRC = options.inputrc
  env[SHELL_ENV.state] = options.stateFile ?? ''
  env[SHELL_ENV.inherit] = (options.inherit ?? []).join('\n')
  return env
}
