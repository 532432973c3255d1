/**
 * What a deck may touch: everything it creates carries demoLabels(), and whatever removes or
 * changes objects acts only on those. A name the deck wants that belongs to someone else is a
 * NAME_CONFLICT, never a reason to remove the other object.
 */
import type Docker from 'dockerode'
import { DemoError } from '../protocol.ts'
import { undefinedIfNotFound } from './errors.ts'
import { DECK_LABEL, DEMO_LABEL, HELPER_LABEL, demoLabels } from './labels.ts'
import { BUILTIN_NETWORKS } from '../docker-cli/commands.ts'

export type Labels = Record<string, string> | null | undefined

export class Scope {
  readonly labels: Record<string, string>

  constructor(readonly deckId: string, demoId: string, runId: string) {
    this.labels = demoLabels(deckId, demoId, runId)
  }

  owns(labels: Labels): boolean {
    return labels?.[DECK_LABEL] === this.deckId
  }

  /** `docker rm co1` on a container this deck did not create. */
  refuse(kind: string, name: string, action: string): DemoError {
    return new DemoError('NAME_CONFLICT', `The ${kind} "${name}" was not created by this deck (it has no ${DECK_LABEL}=${this.deckId} label), so the deck will not ${action} it. Use another name in the deck, or remove it yourself if it is yours to remove.`)
  }

  conflict(kind: string, name: string): DemoError {
    return new DemoError('NAME_CONFLICT', `The ${kind} name "${name}" is already taken by a ${kind} this deck did not create; the deck will not remove it. Rename or remove that ${kind} yourself (docker ${kind === 'container' ? 'rm' : `${kind} rm`} ${name}), or use another name in the deck.`)
  }

  /** The container behind a name or id, if this deck owns it; undefined when there is none. */
  async ownedContainer(docker: Docker, ref: string, action: string): Promise<Docker.ContainerInspectInfo | undefined> {
    const info = await undefinedIfNotFound(docker.getContainer(ref).inspect())
    if (info && !this.owns(info.Config.Labels))
      throw this.refuse('container', ref, action)
    return info
  }

  /** Before `run --name X`: X must be free or ours. */
  async checkContainerName(docker: Docker, name: string): Promise<void> {
    const found = await docker.listContainers({ all: true, filters: { name: [`^/${escapeRegExp(name)}$`] } })
    const taken = found.find(c => c.Names.includes(`/${name}`))
    if (taken && !this.owns(taken.Labels))
      throw this.conflict('container', name)
  }

  /** The volume called `name`, if any; NAME_CONFLICT when it exists and is not ours. */
  async checkVolumeName(docker: Docker, name: string): Promise<'ours' | 'free'> {
    const info = await inspectVolume(docker, name)
    if (!info)
      return 'free'
    if (!this.owns(info.Labels))
      throw this.conflict('volume', name)
    return 'ours'
  }

  async checkNetworkName(docker: Docker, name: string): Promise<'ours' | 'free'> {
    const networks = await docker.listNetworks({ filters: { name: [name] } })
    const exact = networks.filter(n => n.Name === name)
    if (exact.some(n => !this.owns(n.Labels)))
      throw this.conflict('network', name)
    return exact.length > 0 ? 'ours' : 'free'
  }

  /** A network referred to by name or id, if ours (undefined when none). */
  async ownedNetwork(docker: Docker, ref: string, action: string): Promise<Docker.NetworkInspectInfo | undefined> {
    const info = await undefinedIfNotFound(docker.getNetwork(ref).inspect() as Promise<Docker.NetworkInspectInfo>)
    if (info && !this.owns(info.Labels))
      throw this.refuse('network', ref, action)
    return info
  }

  /** Before a container joins or leaves `ref`: the engine's own networks (bridge, host, none)
   *  and the deck's are fine; adding an endpoint to a network of the presenter's is not. */
  async checkJoinableNetwork(docker: Docker, ref: string, action: string): Promise<void> {
    if (ref === 'default' || (BUILTIN_NETWORKS as readonly string[]).includes(ref) || ref.startsWith('container:'))
      return
    const info = await undefinedIfNotFound(docker.getNetwork(ref).inspect() as Promise<Docker.NetworkInspectInfo>)
    // A network that does not exist is the daemon's error to report, as the CLI would.
    if (info && !(BUILTIN_NETWORKS as readonly string[]).includes(info.Name) && !this.owns(info.Labels))
      throw this.refuse('network', ref, action)
  }

  /** Whether the volume exists; NAME_CONFLICT when it does and is not ours. */
  async ownedVolume(docker: Docker, name: string, action: string): Promise<boolean> {
    const info = await inspectVolume(docker, name)
    if (!info)
      return false
    if (!this.owns(info.Labels))
      throw this.refuse('volume', name, action)
    return true
  }
}

/** dockerode types a volume's inspect loosely; its labels are all the scope reads. */
function inspectVolume(docker: Docker, name: string): Promise<{ Labels?: Labels } | undefined> {
  return undefinedIfNotFound(docker.getVolume(name).inspect() as Promise<{ Labels?: Labels }>)
}

/** Label filters for reset and prune: the deck, and the demo when given. */
export function scopeFilters(deckId: string, demoId?: string): string[] {
  const filters = [`${DECK_LABEL}=${deckId}`]
  if (demoId)
    filters.push(`${DEMO_LABEL}=${demoId}`)
  return filters
}

export function helperLabels(scope: Scope): Record<string, string> {
  return { ...scope.labels, [HELPER_LABEL]: 'true' }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
