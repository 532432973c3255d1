/**
 * Which program runs the deck's docker steps: for `docker`, `DOCKER_DEMO_CLI` (a path, or a name
 * looked up on PATH) or else `docker` on PATH; for compose v1, `DOCKER_DEMO_COMPOSE` or else
 * `docker-compose` (programs.ts). The deck check asks this program for its flags, and the run
 * path runs it, so both must resolve it here and nowhere else.
 */
import { accessSync, constants, statSync } from 'node:fs'
import path from 'node:path'
import type { DockerProgram } from './programs.ts'
import { PROGRAMS } from './programs.ts'

export const CLI_ENV = PROGRAMS.docker.env

export class DockerCliNotFoundError extends Error {
  readonly code = 'DOCKER_CLI_NOT_FOUND'
  constructor(message: string) {
    super(message)
    this.name = 'DockerCliNotFoundError'
  }
}

/** The absolute path of the program to run. Throws DockerCliNotFoundError naming what to
 *  install. */
export function resolveProgram(program: DockerProgram, env: NodeJS.ProcessEnv = process.env): string {
  const { env: variable, installHint } = PROGRAMS[program]
  const wanted = env[variable]?.trim()
  if (wanted) {
    const found = wanted.includes('/') ? executable(path.resolve(wanted)) : onPath(wanted, env.PATH)
    if (!found)
      throw new DockerCliNotFoundError(`${variable}="${wanted}" is not an executable file${wanted.includes('/') ? '' : ' on PATH'}: ${installHint}`)
    return found
  }
  const found = onPath(program, env.PATH)
  if (!found)
    throw new DockerCliNotFoundError(`no "${program}" on PATH (${env.PATH ?? 'PATH is not set'}): ${installHint}`)
  return found
}

/** The docker CLI (see resolveProgram). */
export function resolveDockerCli(env: NodeJS.ProcessEnv = process.env): string {
  return resolveProgram('docker', env)
}

/** The first executable file `name` on `searchPath`, as a shell finds a program. */
export function onPath(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter).filter(Boolean)) {
    const found = executable(path.resolve(dir, name))
    if (found)
      return found
  }
  return undefined
}

/** `file` when it is an executable file. */
export function executable(file: string): string | undefined {
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
