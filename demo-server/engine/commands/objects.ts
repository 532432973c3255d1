/**
 * `volume ...`, `network ...`, `inspect` and `info`. Listing and inspecting show everything, as
 * the CLI does; creating checks the name, and removing acts only on what this deck labelled.
 */
import type Docker from 'dockerode'
import type { CommandCall } from '../call.ts'
import type { EngineInfo } from '../../docker-cli/format/objects.ts'
import type { Template } from '../../docker-cli/format/template.ts'
import { formatInspectJson } from '../../docker-cli/format/json.ts'
import { formatInfo, formatNetworkLs, formatVolumeLs } from '../../docker-cli/format/objects.ts'
import { executeTemplate, parseTemplate } from '../../docker-cli/format/template.ts'
import { humanSize } from '../../docker-cli/format/units.ts'
import { CommandLineError, hasFlag, lastFlagValue } from '../../docker-cli/parse-argv.ts'
import { daemonError, noSuchContainer } from '../call.ts'
import { undefinedIfNotFound } from '../errors.ts'
import { scopeFilters } from '../scope.ts'

// ---------------------------------------------------------------------------------------------
// volumes

export async function volumeCreate(call: CommandCall): Promise<number> {
  const name = call.parsed.operands[0]
  if (name !== undefined)
    await call.scope.checkVolumeName(call.docker, name)
  try {
    // dockerode answers with a Volume handle, not the daemon's JSON.
    const volume = await call.docker.createVolume({ ...(name !== undefined ? { Name: name } : {}), Labels: call.scope.labels }) as unknown as { name: string }
    call.output.out(`${volume.name}\n`)
    return 0
  }
  catch (error) {
    return daemonError(call, error)
  }
}

export async function volumeLs(call: CommandCall): Promise<number> {
  const { Volumes } = await call.docker.listVolumes()
  call.output.out(formatVolumeLs(Volumes ?? []))
  return 0
}

export async function volumeRm(call: CommandCall): Promise<number> {
  let failed = false
  for (const name of call.parsed.operands) {
    if (!await call.scope.ownedVolume(call.docker, name, 'remove')) {
      call.output.err(`Error response from daemon: get ${name}: no such volume\n`)
      failed = true
      continue
    }
    try {
      await call.docker.getVolume(name).remove({ force: hasFlag(call.parsed, '--force') })
      call.output.out(`${name}\n`)
    }
    catch (error) {
      daemonError(call, error)
      failed = true
    }
  }
  return failed ? 1 : 0
}

/**
 * `volume prune` acts on this deck's volumes only. API 1.41 prunes named volumes too; newer
 * APIs need `all=true` for the same, so we pass it: the label filter is what keeps it safe.
 */
export async function volumePrune(call: CommandCall): Promise<number> {
  const { apiVersion } = await call.connection.get()
  const newer = Number(apiVersion.split('.')[1]) >= 42
  if (!hasFlag(call.parsed, '--force')) {
    call.output.out(`WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] y\n`)
  }
  const filters: Record<string, string[]> = { label: scopeFilters(call.scope.deckId) }
  if (newer)
    filters.all = ['true']
  const result = await call.docker.pruneVolumes({ filters }) as { VolumesDeleted?: string[] | null, SpaceReclaimed?: number }
  const deleted = result.VolumesDeleted ?? []
  if (deleted.length > 0)
    call.output.out(`Deleted Volumes:\n${deleted.map(v => `${v}\n`).join('')}\n`)
  call.output.out(`Total reclaimed space: ${humanSize(result.SpaceReclaimed ?? 0)}\n`)
  return 0
}

// ---------------------------------------------------------------------------------------------
// networks

export async function networkCreate(call: CommandCall): Promise<number> {
  const name = call.parsed.operands[0]
  if (await call.scope.checkNetworkName(call.docker, name) === 'ours') {
    call.output.err(`Error response from daemon: network with name ${name} already exists\n`)
    return 1
  }
  try {
    const network = await call.docker.createNetwork({
      Name: name,
      Driver: lastFlagValue(call.parsed, '--driver') ?? 'bridge',
      // The API's default is to allow duplicate names; the CLI asks for the check.
      CheckDuplicate: true,
      Labels: call.scope.labels,
    })
    call.output.out(`${network.id}\n`)
    return 0
  }
  catch (error) {
    return daemonError(call, error)
  }
}

export async function networkLs(call: CommandCall): Promise<number> {
  const networks = await call.docker.listNetworks()
  call.output.out(formatNetworkLs(networks))
  return 0
}

export async function networkConnect(call: CommandCall, connect: boolean): Promise<number> {
  const [networkRef, containerRef] = call.parsed.operands
  const info = await call.scope.ownedContainer(call.docker, containerRef, connect ? 'connect' : 'disconnect')
  if (!info)
    return noSuchContainer(call, containerRef)
  await call.scope.checkJoinableNetwork(call.docker, networkRef, connect ? 'connect a container to' : 'disconnect a container from')
  try {
    const network = call.docker.getNetwork(networkRef)
    if (connect)
      await network.connect({ Container: info.Id })
    else
      await network.disconnect({ Container: info.Id })
    return 0
  }
  catch (error) {
    return daemonError(call, error)
  }
}

export async function networkRm(call: CommandCall): Promise<number> {
  let failed = false
  for (const ref of call.parsed.operands) {
    const info = await call.scope.ownedNetwork(call.docker, ref, 'remove')
    if (!info) {
      call.output.err(`Error response from daemon: network ${ref} not found\n`)
      failed = true
      continue
    }
    try {
      await call.docker.getNetwork(info.Id).remove()
      call.output.out(`${ref}\n`)
    }
    catch (error) {
      daemonError(call, error)
      failed = true
    }
  }
  return failed ? 1 : 0
}

// ---------------------------------------------------------------------------------------------
// inspect and info

type Kind = 'container' | 'image' | 'volume' | 'network'

function inspectOne(docker: Docker, kind: Kind, ref: string): Promise<unknown> {
  switch (kind) {
    case 'container': return undefinedIfNotFound(docker.getContainer(ref).inspect())
    case 'image': return undefinedIfNotFound(docker.getImage(ref).inspect())
    case 'volume': return undefinedIfNotFound(docker.getVolume(ref).inspect())
    case 'network': return undefinedIfNotFound(docker.getNetwork(ref).inspect())
  }
}

const NOT_FOUND: Record<Kind | 'object', (ref: string) => string> = {
  object: ref => `Error: No such object: ${ref}`,
  container: ref => `Error: No such container: ${ref}`,
  image: ref => `Error: No such image: ${ref}`,
  volume: ref => `Error response from daemon: get ${ref}: no such volume`,
  network: ref => `Error response from daemon: network ${ref} not found`,
}

/** `inspect` (any kind, in the CLI's order), `container inspect`, `volume inspect`, `network inspect`. */
export function inspect(kinds: Kind[]): (call: CommandCall) => Promise<number> {
  return async (call) => {
    const format = lastFlagValue(call.parsed, '--format')
    let template: Template | undefined
    if (format !== undefined) {
      try {
        template = parseTemplate(format)
      }
      catch (error) {
        // A template we cannot run is a command line we cannot run (UNSUPPORTED_COMMAND).
        throw new CommandLineError((error as Error).message)
      }
    }
    const found: unknown[] = []
    const missing: string[] = []
    for (const ref of call.parsed.operands) {
      let value: unknown
      for (const kind of kinds) {
        value = await inspectOne(call.docker, kind, ref)
        if (value !== undefined)
          break
      }
      if (value === undefined)
        missing.push(ref)
      else
        found.push(value)
    }
    if (template) {
      for (const value of found)
        call.output.out(`${executeTemplate(template, value)}\n`)
    }
    else {
      call.output.out(formatInspectJson(found))
    }
    const notFound = NOT_FOUND[kinds.length > 1 ? 'object' : kinds[0]]
    for (const ref of missing)
      call.output.err(`${notFound(ref)}\n`)
    return missing.length > 0 ? 1 : 0
  }
}

export async function info(call: CommandCall): Promise<number> {
  const data = await call.docker.info() as EngineInfo
  call.output.out(formatInfo(data, { context: call.connection.contextName }))
  for (const warning of data.Warnings ?? [])
    call.output.err(`${warning}\n`)
  return 0
}
