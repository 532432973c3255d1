/**
 * `docker ps` and `docker diff` output, shaped like the docker CLI's (cli/command/formatter).
 * Input is the Engine API's container list entry; `now` is passed in so tests are exact. Pure.
 */
import { formatTable } from './table.ts'
import { ellipsis, humanSize, timeAgo, truncateId } from './units.ts'

/** The fields of GET /containers/json that the table shows. */
export interface ContainerSummary {
  Id: string
  Names: string[]
  Image: string
  Command: string
  /** Unix seconds. */
  Created: number
  Status: string
  Ports: PortSummary[]
  SizeRw?: number
  SizeRootFs?: number
}

export interface PortSummary {
  IP?: string
  PrivatePort: number
  PublicPort?: number
  Type: string
}

export interface PsOptions {
  size?: boolean
  quiet?: boolean
  nowMs: number
}

export function formatPs(containers: ContainerSummary[], options: PsOptions): string {
  if (options.quiet)
    return containers.map(c => `${truncateId(c.Id)}\n`).join('')
  const header = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']
  if (options.size)
    header.push('SIZE')
  const rows = containers.map((c) => {
    const row = [
      truncateId(c.Id),
      imageColumn(c.Image),
      goQuote(ellipsis(c.Command, 20)),
      timeAgo(c.Created * 1000, options.nowMs),
      c.Status,
      displayablePorts(c.Ports ?? []),
      containerNames(c.Names).join(','),
    ]
    if (options.size)
      row.push(sizeColumn(c.SizeRw ?? 0, c.SizeRootFs ?? 0))
    return row
  })
  return formatTable([header, ...rows])
}

/** An image given by digest-only id shows as its short id, as the CLI does. */
function imageColumn(image: string): string {
  return image.startsWith('sha256:') ? truncateId(image) : image
}

/** Names without the leading "/", and without link names ("/a/b"). */
export function containerNames(names: string[]): string[] {
  return names.map(n => n.replace(/^\//, '')).filter(n => !n.includes('/'))
}

/** "1.42MB (virtual 7MB)" */
export function sizeColumn(sizeRw: number, sizeRootFs: number): string {
  const rw = humanSize(sizeRw)
  return sizeRootFs > 0 ? `${rw} (virtual ${humanSize(sizeRootFs)})` : rw
}

/** strconv.Quote for printable text: quotes, backslashes and control characters escaped. */
export function goQuote(text: string): string {
  return `"${text.replace(/[\\"]/g, m => `\\${m}`).replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}"`
}

/** formatter.DisplayablePorts: "0.0.0.0:8000->8000/tcp, :::8000->8000/tcp", ranges grouped. */
export function displayablePorts(ports: PortSummary[]): string {
  const sorted = [...ports].sort((a, b) => {
    if (a.PrivatePort !== b.PrivatePort)
      return a.PrivatePort - b.PrivatePort
    if ((a.IP ?? '') !== (b.IP ?? ''))
      return (a.IP ?? '') < (b.IP ?? '') ? -1 : 1
    if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0))
      return (a.PublicPort ?? 0) - (b.PublicPort ?? 0)
    return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0
  })
  const groups = new Map<string, { first: number, last: number }>()
  const keys: string[] = []
  const result: string[] = []
  const hostMappings: string[] = []
  for (const port of sorted) {
    const current = port.PrivatePort
    let key = port.Type
    if (port.IP) {
      if (port.PublicPort !== current) {
        hostMappings.push(`${joinHostPort(port.IP, String(port.PublicPort ?? 0))}->${port.PrivatePort}/${port.Type}`)
        continue
      }
      key = `${port.IP}/${port.Type}`
    }
    const group = groups.get(key)
    if (!group) {
      groups.set(key, { first: current, last: current })
      keys.push(key)
      continue
    }
    if (current === group.last + 1) {
      group.last = current
      continue
    }
    result.push(formGroup(key, group.first, group.last))
    groups.set(key, { first: current, last: current })
  }
  for (const key of keys) {
    const g = groups.get(key)!
    result.push(formGroup(key, g.first, g.last))
  }
  result.push(...hostMappings)
  return result.join(', ')
}

function formGroup(key: string, first: number, last: number): string {
  const slash = key.lastIndexOf('/')
  const ip = slash === -1 ? '' : key.slice(0, slash)
  const type = slash === -1 ? key : key.slice(slash + 1)
  let group = String(first)
  if (first !== last)
    group = `${group}-${last}`
  if (ip)
    group = `${joinHostPort(ip, group)}->${group}`
  return `${group}/${type}`
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** GET /containers/{id}/changes: Kind 0 modified, 1 added, 2 deleted. */
export interface ContainerChange {
  Kind: number
  Path: string
}

export function formatDiff(changes: ContainerChange[]): string {
  const letter = ['C', 'A', 'D']
  return changes.map(c => `${letter[c.Kind] ?? '?'} ${c.Path}\n`).join('')
}
