/** `pull`, `images`, `history`. */
import type { CommandCall } from '../call.ts'
import type { HistoryEntry, ImageSummary } from '../../docker-cli/format/images.ts'
import { formatHistory, formatImages, normalizeImageRef } from '../../docker-cli/format/images.ts'
import { pullWhileOnline } from '../../presenter-help.ts'
import { DemoError } from '../../protocol.ts'
import { daemonError, pullImage } from '../call.ts'
import { isNotFound, undefinedIfNotFound } from '../errors.ts'

export async function pull(call: CommandCall): Promise<number> {
  const image = call.parsed.operands[0]
  if (call.context.offline) {
    const { familiar } = normalizeImageRef(image)
    if (!await undefinedIfNotFound(call.docker.getImage(image).inspect()))
      throw new DemoError('IMAGE_MISSING', `"docker pull ${image}" needs the internet (the deck runs offline), and the image "${familiar}" is not on this engine. ${pullWhileOnline(image)}`)
    throw new DemoError('NEEDS_INTERNET', `"docker pull ${image}" needs the internet (the deck runs offline); the image "${familiar}" is already on this engine, so the steps that use it will run. Mark the step "# online" to skip it offline.`)
  }
  return pullImage(call, image, 'stdout')
}

export async function images(call: CommandCall): Promise<number> {
  const list = await call.docker.listImages() as unknown as ImageSummary[]
  call.output.out(formatImages(list, Date.now()))
  return 0
}

export async function history(call: CommandCall): Promise<number> {
  const ref = call.parsed.operands[0]
  try {
    const entries = await call.docker.getImage(ref).history() as HistoryEntry[]
    call.output.out(formatHistory(entries, Date.now()))
    return 0
  }
  catch (error) {
    if (isNotFound(error)) {
      call.output.err(`Error response from daemon: No such image: ${normalizeImageRef(ref).familiar}\n`)
      return 1
    }
    return daemonError(call, error)
  }
}
