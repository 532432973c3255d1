/** `-p/--publish` values, read the way the docker CLI (go-connections/nat) reads them. Pure. */
import { CommandLineError } from './parse-argv.ts'

export interface PortBinding {
  HostIp: string
  HostPort: string
}

export interface PublishedPorts {
  /** "80/tcp" -> {} */
  exposed: Record<string, Record<string, never>>
  /** "80/tcp" -> bindings */
  bindings: Record<string, PortBinding[]>
}

function parseRange(text: string, value: string): [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text)
  if (!match)
    throw new CommandLineError(`invalid port "${text}" in -p "${value}"`)
  const start = Number(match[1])
  const end = match[2] === undefined ? start : Number(match[2])
  if (start < 1 || end > 65535 || end < start)
    throw new CommandLineError(`invalid port range "${text}" in -p "${value}"`)
  return [start, end]
}

/** `8000:80`, `127.0.0.1:8080:80/udp`, `[::1]:80:80`, `127.0.0.1::80`, `80`, `8000-8001:80-81` */
export function parsePublish(values: string[]): PublishedPorts {
  const exposed: PublishedPorts['exposed'] = {}
  const bindings: PublishedPorts['bindings'] = {}
  for (const value of values) {
    let rest = value
    let proto = 'tcp'
    const slash = rest.lastIndexOf('/')
    if (slash !== -1) {
      proto = rest.slice(slash + 1).toLowerCase()
      rest = rest.slice(0, slash)
      if (!['tcp', 'udp', 'sctp'].includes(proto))
        throw new CommandLineError(`invalid protocol "${proto}" in -p "${value}" (tcp, udp or sctp)`)
    }
    let ip = ''
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']')
      if (close === -1)
        throw new CommandLineError(`unbalanced "[" in -p "${value}"`)
      ip = rest.slice(1, close)
      rest = rest.slice(close + 1).replace(/^:/, '')
    }
    const parts = rest.split(':')
    let hostPart = ''
    let containerPart: string
    if (parts.length === 1) {
      containerPart = parts[0]
    }
    else if (parts.length === 2) {
      ;[hostPart, containerPart] = parts
      if (ip && hostPart === '' && containerPart === '')
        throw new CommandLineError(`-p "${value}" needs a container port`)
    }
    else if (parts.length === 3 && !ip) {
      ;[ip, hostPart, containerPart] = parts
    }
    else {
      throw new CommandLineError(`-p "${value}" must be [IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`)
    }
    const [cStart, cEnd] = parseRange(containerPart, value)
    const host = hostPart === '' ? undefined : parseRange(hostPart, value)
    const count = cEnd - cStart + 1
    if (host && host[1] - host[0] + 1 !== count && !(count === 1))
      throw new CommandLineError(`-p "${value}": the host and container port ranges differ in size`)
    for (let i = 0; i < count; i++) {
      const key = `${cStart + i}/${proto}`
      exposed[key] = {}
      let hostPort = ''
      if (host)
        hostPort = count === 1 && host[0] !== host[1] ? `${host[0]}-${host[1]}` : String(host[0] + i)
      ;(bindings[key] ??= []).push({ HostIp: ip, HostPort: hostPort })
    }
  }
  return { exposed, bindings }
}
