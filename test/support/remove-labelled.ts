/** Removes the engine objects a test suite made, picked by their labels: one sweep for every
 *  harness (test/engine, test/proxy), so that each says only which labels are its own. */
import type Docker from 'dockerode'

export type LabelFilter = (labels: Record<string, string> | null | undefined) => boolean

export async function removeLabelled(docker: Docker, mine: LabelFilter, options: { imagesWithLabel?: string } = {}): Promise<void> {
  for (const c of await docker.listContainers({ all: true })) {
    if (mine(c.Labels))
      await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {})
  }
  for (const n of await docker.listNetworks()) {
    if (mine(n.Labels))
      await docker.getNetwork(n.Id).remove().catch(() => {})
  }
  const { Volumes } = await docker.listVolumes()
  for (const v of Volumes ?? []) {
    if (mine(v.Labels))
      await docker.getVolume(v.Name).remove().catch(() => {})
  }
  if (options.imagesWithLabel === undefined)
    return
  for (const image of await docker.listImages({ filters: { label: [options.imagesWithLabel] } })) {
    if (mine(image.Labels))
      await docker.getImage(image.Id).remove({ force: true }).catch(() => {})
  }
}
