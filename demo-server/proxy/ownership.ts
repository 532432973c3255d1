/**
 * "Is this object the deck's?", asked of the engine just before a write. An object that does not
 * exist passes: the engine then answers its own "No such container" as the CLI expects.
 */
import { DECK_LABEL, demoLabels } from '../engine/labels.ts'
import type { Refusal } from './refusals.ts'
import { nameTaken, notOurs, tagTaken } from './refusals.ts'
import type { NamedVolume } from './rewrite.ts'
import { isBuiltinNetworkMode, tagKey } from './rewrite.ts'
import type { CreatedObjects, ProxyScope } from './tracking.ts'
import type { Upstream } from './upstream.ts'

type Labels = Record<string, string> | null | undefined

interface ContainerInfo { Id: string, Config?: { Labels?: Labels } }
interface ExecInfo { ContainerID: string }
interface NetworkInfo { Name: string, Labels?: Labels }
interface VolumeInfo { Labels?: Labels }
interface ImageInfo { Id: string, RepoTags?: string[] | null, Config?: { Labels?: Labels, Volumes?: Record<string, unknown> | null } }

const seg = encodeURIComponent

export class Ownership {
  constructor(private readonly upstream: Upstream, private readonly created: CreatedObjects) {}

  async #inspect<T>(path: string): Promise<T | undefined> {
    const { status, body } = await this.upstream.json<T>('GET', path)
    return status === 200 ? body : undefined
  }

  async container(scope: ProxyScope, ref: string): Promise<Refusal | undefined> {
    if (this.created.isDeckContainer(scope.deckId, ref))
      return undefined
    const info = await this.#inspect<ContainerInfo>(`/containers/${seg(ref)}/json`)
    if (info && info.Config?.Labels?.[DECK_LABEL] !== scope.deckId)
      return notOurs('container', ref, scope.deckId)
    return undefined
  }

  async exec(scope: ProxyScope, id: string): Promise<Refusal | undefined> {
    if (this.created.isDeckExec(scope.deckId, id))
      return undefined
    const info = await this.#inspect<ExecInfo>(`/exec/${seg(id)}/json`)
    if (!info)
      return undefined
    return await this.container(scope, info.ContainerID) ? notOurs('exec', id, scope.deckId) : undefined
  }

  /** Removing a network: it must carry the label (bridge/host/none do not). */
  async network(scope: ProxyScope, ref: string): Promise<Refusal | undefined> {
    const info = await this.#inspect<NetworkInfo>(`/networks/${seg(ref)}`)
    if (info && info.Labels?.[DECK_LABEL] !== scope.deckId)
      return notOurs('network', ref, scope.deckId)
    return undefined
  }

  /** Joining or leaving a network: the engine's own networks are everybody's. */
  async joinableNetwork(scope: ProxyScope, ref: string): Promise<Refusal | undefined> {
    if (isBuiltinNetworkMode(ref))
      return undefined
    const info = await this.#inspect<NetworkInfo>(`/networks/${seg(ref)}`)
    if (info && !isBuiltinNetworkMode(info.Name) && info.Labels?.[DECK_LABEL] !== scope.deckId)
      return notOurs('network', ref, scope.deckId)
    return undefined
  }

  async volume(scope: ProxyScope, name: string): Promise<Refusal | undefined> {
    const info = await this.#inspect<VolumeInfo>(`/volumes/${seg(name)}`)
    if (info && info.Labels?.[DECK_LABEL] !== scope.deckId)
      return notOurs('volume', name, scope.deckId)
    return undefined
  }

  /** `-v NAME:/data` or `volume create NAME`: ours already, or created now with our labels. */
  async claimVolume(scope: ProxyScope, volume: NamedVolume): Promise<Refusal | undefined> {
    const info = await this.#inspect<VolumeInfo>(`/volumes/${seg(volume.name)}`)
    if (info)
      return info.Labels?.[DECK_LABEL] === scope.deckId ? undefined : nameTaken('volume', volume.name, scope.deckId)
    // Created only when the run's container needs it; the engine would create it unlabelled.
    await this.upstream.json('POST', '/volumes/create', {
      Name: volume.name,
      Labels: demoLabels(scope.deckId, scope.demoId, scope.runId),
      ...(volume.driver ? { Driver: volume.driver } : {}),
      ...(volume.driverOpts ? { DriverOpts: volume.driverOpts } : {}),
    })
    return undefined
  }

  /** Before `volume create NAME`: the engine hands back an existing volume unchanged. */
  async volumeNameFree(scope: ProxyScope, name: string): Promise<Refusal | undefined> {
    const info = await this.#inspect<VolumeInfo>(`/volumes/${seg(name)}`)
    return info && info.Labels?.[DECK_LABEL] !== scope.deckId ? nameTaken('volume', name, scope.deckId) : undefined
  }

  async imageInfo(ref: string): Promise<ImageInfo | undefined> {
    return this.#inspect<ImageInfo>(`/images/${ref.split('/').map(seg).join('/')}/json`)
  }

  /** Every image id on the engine: `docker load` remembers only the ones it adds. */
  async upstreamImageIds(): Promise<Set<string>> {
    const { body } = await this.upstream.json<Array<{ Id: string }>>('GET', '/images/json?all=1')
    return new Set((body ?? []).map(image => image.Id))
  }

  #isDeckImage(scope: ProxyScope, info: ImageInfo): boolean {
    return info.Config?.Labels?.[DECK_LABEL] === scope.deckId || this.created.isDeckImage(scope.deckId, info.Id)
  }

  async image(scope: ProxyScope, ref: string): Promise<Refusal | undefined> {
    const info = await this.imageInfo(ref)
    return info && !this.#isDeckImage(scope, info) ? notOurs('image', ref, scope.deckId) : undefined
  }

  /** A tag the deck gives an image (tag, build -t, commit, import) must not be taken from
   *  someone else's image. */
  async tagFree(scope: ProxyScope, reference: string): Promise<Refusal | undefined> {
    const info = await this.imageInfo(reference)
    return info && !this.#isDeckImage(scope, info) && !this.created.isDeckTag(scope.deckId, tagKey(reference)) ? tagTaken(reference, scope.deckId) : undefined
  }

  /** `docker rmi REF`: the deck's image, or a tag the deck gave an image of the presenter's
   *  that keeps another name (removing the tag then only takes the name away). */
  async removableImage(scope: ProxyScope, ref: string): Promise<Refusal | undefined> {
    const info = await this.imageInfo(ref)
    if (!info || this.#isDeckImage(scope, info))
      return undefined
    const reference = tagKey(ref)
    const otherNames = (info.RepoTags ?? []).filter(tag => tag !== reference)
    return this.created.isDeckTag(scope.deckId, reference) && otherNames.length > 0 ? undefined : notOurs('image', ref, scope.deckId)
  }
}
