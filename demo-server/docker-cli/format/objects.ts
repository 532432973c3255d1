/**
 * `docker volume ls`, `docker network ls` and `docker info`, shaped like the docker CLI's
 * output. Pure: Engine API entries in, text out.
 */
import { formatTable } from './table.ts'
import { bytesSize, naturalCompare, truncateId } from './units.ts'

export function formatVolumeLs(volumes: Array<{ Name: string, Driver: string }>): string {
  const sorted = [...volumes].sort((a, b) => naturalCompare(a.Name, b.Name))
  return formatTable([['DRIVER', 'VOLUME NAME'], ...sorted.map(v => [v.Driver, v.Name])])
}

export function formatNetworkLs(networks: Array<{ Id: string, Name: string, Driver: string, Scope: string }>): string {
  const sorted = [...networks].sort((a, b) => naturalCompare(a.Name, b.Name))
  return formatTable([['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], ...sorted.map(n => [truncateId(n.Id), n.Name, n.Driver, n.Scope])])
}

/** The parts of GET /info that `docker info` prints. */
export interface EngineInfo {
  Containers?: number
  ContainersRunning?: number
  ContainersPaused?: number
  ContainersStopped?: number
  Images?: number
  ServerVersion?: string
  Driver?: string
  DriverStatus?: Array<[string, string]> | null
  LoggingDriver?: string
  CgroupDriver?: string
  CgroupVersion?: string
  Plugins?: { Volume?: string[] | null, Network?: string[] | null, Authorization?: string[] | null, Log?: string[] | null }
  Swarm?: { LocalNodeState?: string }
  Runtimes?: Record<string, unknown>
  DefaultRuntime?: string
  InitBinary?: string
  ContainerdCommit?: { ID?: string, Expected?: string }
  RuncCommit?: { ID?: string, Expected?: string }
  InitCommit?: { ID?: string, Expected?: string }
  SecurityOptions?: string[] | null
  KernelVersion?: string
  OperatingSystem?: string
  OSType?: string
  Architecture?: string
  NCPU?: number
  MemTotal?: number
  Name?: string
  ID?: string
  DockerRootDir?: string
  Debug?: boolean
  HttpProxy?: string
  HttpsProxy?: string
  NoProxy?: string
  Labels?: string[] | null
  ExperimentalBuild?: boolean
  RegistryConfig?: {
    IndexConfigs?: Record<string, { Name: string, Secure: boolean }> | null
    InsecureRegistryCIDRs?: string[] | null
    Mirrors?: string[] | null
  } | null
  LiveRestoreEnabled?: boolean
  Warnings?: string[] | null
}

/** `docker info`: the client's context, then the server section in the CLI's order. */
export function formatInfo(info: EngineInfo, client: { context: string }): string {
  const lines: string[] = ['Client:', ` Context:    ${client.context}`, ' Debug Mode: false', '', 'Server:']
  const add = (text: string) => lines.push(text)
  add(` Containers: ${info.Containers ?? 0}`)
  add(`  Running: ${info.ContainersRunning ?? 0}`)
  add(`  Paused: ${info.ContainersPaused ?? 0}`)
  add(`  Stopped: ${info.ContainersStopped ?? 0}`)
  add(` Images: ${info.Images ?? 0}`)
  add(` Server Version: ${info.ServerVersion ?? ''}`)
  add(` Storage Driver: ${info.Driver ?? ''}`)
  for (const [key, value] of info.DriverStatus ?? [])
    add(`  ${key}: ${value}`)
  add(` Logging Driver: ${info.LoggingDriver ?? ''}`)
  add(` Cgroup Driver: ${info.CgroupDriver ?? ''}`)
  if (info.CgroupVersion)
    add(` Cgroup Version: ${info.CgroupVersion}`)
  add(' Plugins:')
  add(`  Volume: ${(info.Plugins?.Volume ?? []).join(' ')}`)
  add(`  Network: ${(info.Plugins?.Network ?? []).join(' ')}`)
  if (info.Plugins?.Authorization?.length)
    add(`  Authorization: ${info.Plugins.Authorization.join(' ')}`)
  add(`  Log: ${(info.Plugins?.Log ?? []).join(' ')}`)
  add(` Swarm: ${info.Swarm?.LocalNodeState ?? 'inactive'}`)
  if (info.Runtimes)
    add(` Runtimes: ${Object.keys(info.Runtimes).sort().join(' ')}`)
  add(` Default Runtime: ${info.DefaultRuntime ?? ''}`)
  add(` Init Binary: ${info.InitBinary ?? ''}`)
  const commit = (name: string, c?: { ID?: string, Expected?: string }) => {
    const id = c?.ID ?? ''
    add(` ${name} version: ${id}${c?.Expected && c.Expected !== id ? ` (expected: ${c.Expected})` : ''}`)
  }
  commit('containerd', info.ContainerdCommit)
  commit('runc', info.RuncCommit)
  commit('init', info.InitCommit)
  if (info.SecurityOptions?.length) {
    add(' Security Options:')
    for (const option of info.SecurityOptions) {
      const fields = Object.fromEntries(option.split(',').map((kv) => {
        const eq = kv.indexOf('=')
        return eq === -1 ? [kv, ''] : [kv.slice(0, eq), kv.slice(eq + 1)]
      }))
      add(`  ${fields.name ?? option}`)
      for (const [key, value] of Object.entries(fields)) {
        if (key !== 'name')
          add(`   ${key.charAt(0).toUpperCase()}${key.slice(1)}: ${value}`)
      }
    }
  }
  add(` Kernel Version: ${info.KernelVersion ?? ''}`)
  add(` Operating System: ${info.OperatingSystem ?? ''}`)
  add(` OSType: ${info.OSType ?? ''}`)
  add(` Architecture: ${info.Architecture ?? ''}`)
  add(` CPUs: ${info.NCPU ?? 0}`)
  add(` Total Memory: ${bytesSize(info.MemTotal ?? 0)}`)
  add(` Name: ${info.Name ?? ''}`)
  add(` ID: ${info.ID ?? ''}`)
  add(` Docker Root Dir: ${info.DockerRootDir ?? ''}`)
  add(` Debug Mode: ${info.Debug ? 'true' : 'false'}`)
  if (info.HttpProxy)
    add(` HTTP Proxy: ${info.HttpProxy}`)
  if (info.HttpsProxy)
    add(` HTTPS Proxy: ${info.HttpsProxy}`)
  if (info.NoProxy)
    add(` No Proxy: ${info.NoProxy}`)
  if (info.Labels?.length) {
    add(' Labels:')
    for (const label of info.Labels)
      add(`  ${label}`)
  }
  add(` Experimental: ${info.ExperimentalBuild ? 'true' : 'false'}`)
  const registry = info.RegistryConfig
  const indexConfigs = Object.values(registry?.IndexConfigs ?? {}).sort((a, b) => naturalCompare(a.Name, b.Name))
  if (registry && ((registry.InsecureRegistryCIDRs?.length ?? 0) > 0 || indexConfigs.length > 0)) {
    add(' Insecure Registries:')
    for (const index of indexConfigs) {
      if (!index.Secure)
        add(`  ${index.Name}`)
    }
    for (const cidr of registry.InsecureRegistryCIDRs ?? [])
      add(`  ${cidr}`)
  }
  if (registry?.Mirrors?.length) {
    add(' Registry Mirrors:')
    for (const mirror of registry.Mirrors)
      add(`  ${mirror}`)
  }
  add(` Live Restore Enabled: ${info.LiveRestoreEnabled ? 'true' : 'false'}`)
  return `${lines.join('\n')}\n\n`
}
