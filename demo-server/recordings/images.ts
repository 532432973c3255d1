/**
 * The images a demo's steps name, so that a recording can say which image ids it was made
 * with. Pure: reads the steps as the deck check does (demo-server/deck/steps.ts), without
 * resolving variables.
 */
import type { Step } from '../deck/model.ts'
import { commandKey, dockerInvocations } from '../deck/steps.ts'
import { FALLBACK_SPEC } from '../docker-cli/cli-flags/fallback-spec.ts'
import { readDockerArgv } from '../docker-cli/cli-flags/read-argv.ts'
import { invocationsOf } from '../shell/invocations.ts'
import { HELPER_IMAGE, HOST_PROGRAM } from '../shell/rc.ts'

/** Commands whose first operand is an image. */
const NAMES_IMAGE = new Set(['run', 'create', 'pull', 'history', 'image pull', 'image history'])

/** `alpine` -> `alpine:latest`; a tag or digest stays as written. */
export function normalizeImageRef(ref: string): string {
  const lastSlash = ref.lastIndexOf('/')
  const name = ref.slice(lastSlash + 1)
  return ref.includes('@') || name.includes(':') ? ref : `${ref}:latest`
}

/** Image references the steps use, in first-use order: the image of `run`, `pull`, `history`,
 *  and the helper image of `host$` lines. Steps that are shown only run nothing. */
export function imagesUsedBy(steps: readonly Step[]): string[] {
  const refs = new Set<string>()
  for (const step of steps) {
    if (step.options.shownOnly !== undefined || !step.script || step.target.kind !== 'shell')
      continue
    if (step.script.commands.some(command => invocationsOf(command).some(invocation => invocation.program.value === HOST_PROGRAM)))
      refs.add(HELPER_IMAGE)
    for (const { program, argv } of dockerInvocations(step.script)) {
      if (program !== 'docker')
        continue
      const read = readDockerArgv(FALLBACK_SPEC, argv, { lenient: true })
      const image = read.command && NAMES_IMAGE.has(commandKey(read.command.path)) ? read.operands[0] : undefined
      if (image !== undefined && !/[$`~]/.test(image))
        refs.add(normalizeImageRef(image))
    }
  }
  return [...refs]
}
