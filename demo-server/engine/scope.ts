/**
 * What a deck may touch: everything it creates carries demoLabels(), and whatever removes or
 * changes objects acts only on those. A name the deck wants that belongs to someone else is a
 * NAME_CONFLICT, never a reason to remove the other object.
 */
import type Docker from 'dockerode'
import { DemoError } from '../protocol'
import { isNotFound } from './errors'
import { DECK_LABEL, DEMO_LABEL, HELPER_LABEL, demoLabels } from './labels'

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
    let info: Docker.ContainerInspectInfo
    try {
      info = await docker.getContainer(ref).inspect()
    }
    catch (error) {
      if (isNotFound(error))
        return undefined
      throw error
    }
    if (!this.owns(info.Config.Labels))
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
    try {
      const info = await docker.getVolume(name).inspect() as { Labels?: Labels }
      if (!this.owns(info.Labels))
        throw this.conflict('volume', name)
      return 'ours'
    }
    catch (error) {
      if (isNotFound(error))
        return 'free'
      throw error
    }
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
    let info: Docker.NetworkInspectInfo
    try {
      info = await docker.getNetwork(ref).inspect() as Docker.NetworkInspectInfo
    }
    catch (error) {
      if (isNotFound(error))
        return undefined
      throw error
    }
    if (!this.owns(info.Labels))
      throw this.refuse('network', ref, action)
    return info
  }

  async ownedVolume(docker: Docker, name: string, action: string): Promise<boolean> {
    try {
      const info = await docker.getVolume(name).inspect() as { Labels?: Labels }
      if (!this.owns(info.Labels))
        throw this.refuse('volume', name, action)
      return true
    }
    catch (error) {
      if (isNotFound(error))
        return false
      throw error
    }
  }
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
