/**
 * Finds the Docker engine the way the docker CLI does: an explicit host, then DOCKER_HOST, then
 * the docker context (DOCKER_CONTEXT or ~/.docker/config.json `currentContext`, whose endpoint
 * is in ~/.docker/contexts/meta/<sha256 of the name>/meta.json), then the default socket.
 * The file reads are injected so that the resolution itself is testable without a home dir.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export type Endpoint =
  | { kind: 'unix', socketPath: string }
  | { kind: 'tcp', host: string, port: number, tls: TlsFiles | undefined }
  | { kind: 'ssh', host: string, port: number, username?: string }

export interface TlsFiles {
  ca?: string
  cert?: string
  key?: string
  /** SkipTLSVerify of a context, DOCKER_TLS_VERIFY unset with certs. */
  verify: boolean
}

export interface ResolvedEndpoint {
  endpoint: Endpoint
  /** The URL as written, e.g. "unix:///var/run/docker.sock". */
  url: string
  /** The docker context's name ("default" when none applies), as `docker info` prints it. */
  context: string
  /** Where the URL came from, for messages: "DOCKER_HOST", "context \"colima\"", ... */
  source: string
}

export interface DiscoveryEnv {
  env: Record<string, string | undefined>
  home: string
  /** Returns the file's text, or undefined when it does not exist. */
  readFile: (file: string) => string | undefined
}

export const DEFAULT_SOCKET_URL = 'unix:///var/run/docker.sock'

export class EndpointError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EndpointError'
  }
}

export function defaultDiscoveryEnv(): DiscoveryEnv {
  return {
    env: process.env,
    home: os.homedir(),
    readFile: (file) => {
      try {
        return fs.readFileSync(file, 'utf8')
      }
      catch {
        return undefined
      }
    },
  }
}

export function resolveEndpoint(explicitHost: string | undefined, discovery: DiscoveryEnv): ResolvedEndpoint {
  const { env } = discovery
  if (explicitHost)
    return { ...parseHostUrl(explicitHost, tlsFromEnv(discovery)), context: 'default', source: 'the dockerHost option' }
  if (env.DOCKER_HOST)
    return { ...parseHostUrl(env.DOCKER_HOST, tlsFromEnv(discovery)), context: 'default', source: 'DOCKER_HOST' }

  const configDir = env.DOCKER_CONFIG || path.join(discovery.home, '.docker')
  let contextName = env.DOCKER_CONTEXT
  let source = 'DOCKER_CONTEXT'
  if (!contextName) {
    const configText = discovery.readFile(path.join(configDir, 'config.json'))
    if (configText) {
      try {
        contextName = (JSON.parse(configText) as { currentContext?: string }).currentContext
        source = `currentContext in ${path.join(configDir, 'config.json')}`
      }
      catch {
        throw new EndpointError(`${path.join(configDir, 'config.json')} is not valid JSON; fix it or set DOCKER_HOST`)
      }
    }
  }
  if (contextName && contextName !== 'default') {
    const digest = createHash('sha256').update(contextName).digest('hex')
    const metaFile = path.join(configDir, 'contexts', 'meta', digest, 'meta.json')
    const metaText = discovery.readFile(metaFile)
    if (metaText === undefined)
      throw new EndpointError(`docker context "${contextName}" (from ${source}) has no ${metaFile}; run "docker context use default" or set DOCKER_HOST`)
    let docker: { Host?: string, SkipTLSVerify?: boolean } | undefined
    try {
      docker = (JSON.parse(metaText) as { Endpoints?: { docker?: { Host?: string, SkipTLSVerify?: boolean } } }).Endpoints?.docker
    }
    catch {
      throw new EndpointError(`${metaFile} (docker context "${contextName}") is not valid JSON`)
    }
    if (!docker?.Host)
      throw new EndpointError(`docker context "${contextName}" has no Endpoints.docker.Host in ${metaFile}`)
    const tlsDir = path.join(configDir, 'contexts', 'tls', digest, 'docker')
    const tls = readTls(tlsDir, discovery, !docker.SkipTLSVerify)
    return { ...parseHostUrl(docker.Host, tls), context: contextName, source: `docker context "${contextName}"` }
  }
  return { ...parseHostUrl(DEFAULT_SOCKET_URL, undefined), context: 'default', source: 'the default socket' }
}

function readTls(dir: string, discovery: DiscoveryEnv, verify: boolean): TlsFiles | undefined {
  const ca = discovery.readFile(path.join(dir, 'ca.pem'))
  const cert = discovery.readFile(path.join(dir, 'cert.pem'))
  const key = discovery.readFile(path.join(dir, 'key.pem'))
  if (!ca && !cert && !key)
    return undefined
  return { ca, cert, key, verify }
}

/** DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, as the CLI reads them for a tcp:// host. */
function tlsFromEnv(discovery: DiscoveryEnv): TlsFiles | undefined {
  const { env } = discovery
  const verify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0'
  if (!verify && !env.DOCKER_CERT_PATH)
    return undefined
  const dir = env.DOCKER_CERT_PATH || env.DOCKER_CONFIG || path.join(discovery.home, '.docker')
  return readTls(dir, discovery, verify) ?? { verify }
}

/** "unix:///path", "tcp://host:2375", "ssh://user@host:22", "host:2375" (tcp). */
export function parseHostUrl(url: string, tls: TlsFiles | undefined): { endpoint: Endpoint, url: string } {
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length)
    if (!socketPath)
      throw new EndpointError(`"${url}" names no socket; write unix:///var/run/docker.sock`)
    return { endpoint: { kind: 'unix', socketPath }, url }
  }
  if (url.startsWith('npipe://'))
    throw new EndpointError(`"${url}" is a Windows named pipe; the demo server runs on Linux or macOS`)
  const withScheme = url.includes('://') ? url : `tcp://${url}`
  let parsed: URL
  try {
    parsed = new URL(withScheme)
  }
  catch {
    throw new EndpointError(`cannot read the Docker host "${url}"; expected unix:///path, tcp://host:port or ssh://user@host`)
  }
  if (parsed.protocol === 'ssh:') {
    return {
      endpoint: { kind: 'ssh', host: parsed.hostname, port: parsed.port ? Number(parsed.port) : 22, ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}) },
      url,
    }
  }
  if (parsed.protocol === 'tcp:' || parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    const port = parsed.port ? Number(parsed.port) : (tls?.verify || parsed.protocol === 'https:' ? 2376 : 2375)
    return { endpoint: { kind: 'tcp', host: parsed.hostname.replace(/^\[|\]$/g, ''), port, tls }, url }
  }
  throw new EndpointError(`unsupported Docker host scheme "${parsed.protocol}" in "${url}" (unix, tcp or ssh)`)
}

/** dockerode/docker-modem options for an endpoint. Every key is set so that docker-modem's own
 *  reading of DOCKER_HOST (it merges its defaults under ours) cannot override the choice. */
export function modemOptions(endpoint: Endpoint, version?: string): Record<string, unknown> {
  const common = { version, timeout: undefined, headers: {} }
  switch (endpoint.kind) {
    case 'unix':
      return { ...common, socketPath: endpoint.socketPath, host: undefined, port: undefined, protocol: 'http' }
    case 'tcp': {
      const https = endpoint.tls !== undefined && (endpoint.tls.cert !== undefined || endpoint.tls.verify)
      return {
        ...common,
        socketPath: undefined,
        host: endpoint.host,
        port: endpoint.port,
        protocol: https ? 'https' : 'http',
        ca: endpoint.tls?.ca,
        cert: endpoint.tls?.cert,
        key: endpoint.tls?.key,
        ...(https && endpoint.tls && !endpoint.tls.verify ? { checkServerIdentity: () => undefined } : {}),
      }
    }
    case 'ssh':
      return {
        ...common,
        socketPath: undefined,
        host: endpoint.host,
        port: endpoint.port,
        protocol: 'ssh',
        username: endpoint.username,
        sshOptions: { agent: process.env.SSH_AUTH_SOCK },
      }
  }
}
