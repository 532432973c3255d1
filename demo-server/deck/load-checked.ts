/**
 * A deck read with the specs of the programs its steps run: each program the deck uses is
 * found (which-cli.ts) and asked for the flags of the commands the deck uses (cache.ts), then the
 * deck is read again with those specs, since which step enters a container depends on its flags.
 * The docker CLI must be there; a missing compose v1 is a problem on each of its lines.
 */
import type { CliSpecs } from '../docker-cli/cli-flags/cli-spec.ts'
import type { LoadCliSpecOptions } from '../docker-cli/cli-flags/cache.ts'
import { loadCliSpec } from '../docker-cli/cli-flags/cache.ts'
import type { DockerProgram } from '../docker-cli/programs.ts'
import { DOCKER_PROGRAMS } from '../docker-cli/programs.ts'
import { DockerCliNotFoundError, resolveProgram } from '../docker-cli/which-cli.ts'
import type { DeckClis } from './check.ts'
import { commandLines } from './check.ts'
import { loadDeck } from './load.ts'
import type { Deck } from './model.ts'

export interface CheckedDeckOptions extends LoadCliSpecOptions {
  env?: NodeJS.ProcessEnv
}

export async function loadDeckWithClis(file: string, options: CheckedDeckOptions = {}): Promise<{ deck: Deck, clis: DeckClis }> {
  const first = await loadDeck(file)
  const clis: DeckClis = {}
  const specs: CliSpecs = {}
  for (const program of DOCKER_PROGRAMS) {
    const lines = commandLines(first, program)
    if (lines.length === 0 && program !== 'docker')
      continue
    const cli = resolveOrMissing(program, options.env)
    clis[program] = typeof cli === 'string' ? specs[program] = await loadCliSpec(program, cli, lines, options) : cli
  }
  return { deck: await loadDeck(file, specs), clis }
}

function resolveOrMissing(program: DockerProgram, env?: NodeJS.ProcessEnv): string | { missing: string } {
  try {
    return resolveProgram(program, env)
  }
  catch (error) {
    if (error instanceof DockerCliNotFoundError && program !== 'docker')
      return { missing: `this line runs ${program}, and there is none: ${error.message}` }
    throw error
  }
}
