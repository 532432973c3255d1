/**
 * Which bash runs the deck's lines: `DOCKER_DEMO_SHELL` (a path, or a name on PATH), else `bash`
 * on PATH. `npm run check` and `npm start` say what to install when there is none.
 */
import path from 'node:path'
import { executable, onPath } from '../docker-cli/which-cli.ts'

export const SHELL_VARIABLE = 'DOCKER_DEMO_SHELL'

export const BASH_INSTALL_HINT = 'a demo is lines of a bash shell: install bash (macOS has /bin/bash; on Windows run the deck in WSL or Git Bash; on Debian or Ubuntu `sudo apt-get install bash`), or set DOCKER_DEMO_SHELL to the path of one'

export class ShellNotFoundError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ShellNotFoundError'
  }
}

/** The absolute path of the bash to run; throws ShellNotFoundError naming what to install. */
export function resolveShell(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = env[SHELL_VARIABLE]?.trim()
  if (wanted) {
    const found = wanted.includes('/') ? executable(path.resolve(wanted)) : onPath(wanted, env.PATH)
    if (!found)
      throw new ShellNotFoundError(`${SHELL_VARIABLE}="${wanted}" is not an executable file${wanted.includes('/') ? '' : ' on PATH'}: ${BASH_INSTALL_HINT}`)
    return found
  }
  const found = onPath('bash', env.PATH)
  if (!found)
    throw new ShellNotFoundError(`no "bash" on PATH (${env.PATH ?? 'PATH is not set'}): ${BASH_INSTALL_HINT}`)
  return found
}
