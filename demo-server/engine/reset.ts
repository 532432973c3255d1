/**
 * `reset`: remove what a deck (or one of its demos) created, by label. An object that cannot go
 * (a deck network a container of someone else still uses: the daemon answers 403) does not stop
 * the others; it is reported with the daemon's words, what still holds it, and what to do.
 */
import type Docker from 'dockerode'
import type { NotRemoved, ResetReport } from '../protocol.ts'
import { daemonMessage, isNotFound, isUnavailable } from './errors.ts'
import { DECK_LABEL, scopeFilters } from './labels.ts'

type Kind = NotRemoved['kind']

/** Containers (forced, with their anonymous volumes) first: they hold networks and volumes. */
export async function removeScoped(docker: Docker, scope: { deckId: string, demoId?: string }): Promise<ResetReport> {
  const label = scopeFilters(scope.deckId, scope.demoId)
  const report: ResetReport = { removed: { containers: 0, networks: 0, volumes: 0 }, notRemoved: [] }
  const attempt = async (kind: Kind, name: string, remove: () => Promise<unknown>, heldBy?: () => Promise<Docker.ContainerInfo[]>) => {
    try {
      await remove()
      report.removed[`${kind}s`]++
    }
    catch (error) {
      // Gone meanwhile is what a reset wants; an engine that stopped answering fails the reset.
      if (isNotFound(error))
        return
      if (isUnavailable(error))
        throw error
      const holders = heldBy ? await heldBy().catch(() => []) : []
      report.notRemoved.push({ kind, name, reason: explain(kind, name, daemonMessage(error), holders, scope.deckId) })
    }
  }
  for (const c of await docker.listContainers({ all: true, filters: { label } }))
    await attempt('container', containerName(c), () => docker.getContainer(c.Id).remove({ force: true, v: true }))
  for (const n of await docker.listNetworks({ filters: { label } }))
    await attempt('network', n.Name, () => docker.getNetwork(n.Id).remove(), () => docker.listContainers({ all: true, filters: { network: [n.Id] } }))
  const { Volumes } = await docker.listVolumes({ filters: { label } })
  for (const v of Volumes ?? [])
    await attempt('volume', v.Name, () => docker.getVolume(v.Name).remove(), () => docker.listContainers({ all: true, filters: { volume: [v.Name] } }))
  return report
}

/** The daemon's words; when containers still hold the object, which ones and whose. */
function explain(kind: Kind, name: string, daemonWords: string, holders: Docker.ContainerInfo[], deckId: string): string {
  const reason = daemonWords.replace(/\.+$/, '')
  if (holders.length === 0)
    return `${reason}. Remove it yourself (docker ${kind === 'container' ? 'rm -f' : `${kind} rm`} ${name}) or reset again.`
  const foreign = holders.filter(c => c.Labels?.[DECK_LABEL] !== deckId)
  const names = holders.map(c => `${containerName(c)}${foreign.includes(c) ? ' (not created by this deck)' : ''}`)
  const first = containerName(foreign[0] ?? holders[0])
  const release = kind === 'network' ? `docker network disconnect ${name} ${first}` : `docker rm ${first}`
  const why = foreign.length > 0 ? 'The deck leaves containers it did not create alone: release' : 'Release'
  return `${reason}; still used by ${names.join(', ')}. ${why} it (e.g. ${release}) if that is yours to do, then reset again.`
}

function containerName(info: Docker.ContainerInfo): string {
  return info.Names?.[0]?.replace(/^\//, '') ?? info.Id.slice(0, 12)
}
