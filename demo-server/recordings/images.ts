/**
 * The images a demo's steps name, so that a recording can say which image ids it was made
 * with. Pure: reads the steps as the deck check does (demo-server/deck/steps.ts), without
 * resolving variables.
 */
import type { Step } from '../deck/model.ts'
import { commandKey } from '../deck/steps.ts'
import { FALLBACK_SPEC } from '../docker-cli/cli-flags/fallback-spec.ts'
import { readDockerArgv } from '../docker-cli/cli-flags/read-argv.ts'
import { commandParts } from '../docker-cli/programs.ts'
import { AS_WRITTEN, tokenize } from '../docker-cli/tokenize.ts'
import { HELPER_IMAGE } from '../engine/host.ts'


/** Commands whose first operand is an image. */
const NAMES_IMAGE = new Set(['run', 'create', 'pull', 'history', 'image pull', 'image history'])

/** `alpine` -> `alpine:latest`; a tag or digest stays as written. */
export function normalizeImageRef(ref: string): string {
  const lastSlash = ref.lastIndexOf('/')
  const name = ref.slice(lastSlash + 1)
  return ref.includes('@') || name.includes(':') ? ref : `${ref}:latest`
}

/** Image references the steps use, in first-use order: the image of `run`, `pull`, `history`,
 *  and the helper image of `host$` steps. Steps that are shown only run nothing. */
export function imagesUsedBy(steps: readonly Step[]): string[] {
  const refs = new Set<string>()
  for (const step of steps) {
    if (step.options.shownOnly !== undefined)
      continue
    if (step.target.kind === 'host') {
      refs.add(HELPER_IMAGE)
      continue
    }
    if (step.target.kind !== 'docker' || step.target.program !== 'docker')
      continue
    let argv: string[]
    try {
      argv = commandParts(tokenize(step.command, AS_WRITTEN)).args
    }
    catch {
      continue // a step the check rejects names no image we could look up
    }
    const read = readDockerArgv(FALLBACK_SPEC, argv, { lenient: true })
    const image = read.command && NAMES_IMAGE.has(commandKey(read.command.path)) ? read.operands[0] : undefined
    if (image !== undefined && !image.startsWith('$'))
      refs.add(normalizeImageRef(image))
  }
  return [...refs]
}
