/**
 * A docker step whose CLI failed because the proxy refused one of its requests is not a failed
 * command but a refusal of the demo server: the slide gets the error code (NAME_CONFLICT,
 * IMAGE_MISSING, NEEDS_INTERNET) with the step's place, while the terminal keeps the CLI's own
 * "Error response from daemon: docker-demo: ..." line. Pure.
 */
import type { Step } from '../deck/model.ts'
import { pullWhileOnline } from '../presenter-help.ts'
import type { Refusal } from '../proxy/index.ts'
import { DemoError } from '../protocol.ts'

/** The first refusal that has a code of its own; `imagePresent` answers for offline pulls. */
export function refusalError(step: Step, refusals: Refusal[], imagePresent: (image: string) => boolean): DemoError | undefined {
  const where = `Step ${step.index} (${step.loc.file}:${step.loc.line})`
  for (const refusal of refusals) {
    const reason = refusal.message.replace(/^docker-demo:\s*/, '')
    switch (refusal.reason) {
      case 'not-ours':
      case 'name-taken':
        return new DemoError('NAME_CONFLICT', `${where}: ${reason}. The demo server will not change what the deck did not create: rename it in the deck, or remove the other object yourself if it is yours to remove.`)
      case 'offline': {
        const image = refusal.image
        if (image === undefined)
          return new DemoError('NEEDS_INTERNET', `${where}: ${reason}. Mark the step "# online" to skip it offline.`)
        if (imagePresent(image))
          return new DemoError('NEEDS_INTERNET', `${where}: "docker pull ${image}" needs the internet (the deck runs offline); the image "${image}" is already on this engine, so the steps that use it will run. Mark the step "# online" to skip it offline.`)
        return new DemoError('IMAGE_MISSING', `${where}: the image "${image}" is not on this engine and the deck runs offline. ${pullWhileOnline(image)}`)
      }
    }
  }
  return undefined
}
