/**
 * Who may talk to the demo server. Same origin only: the page must come from the host and port
 * this server is reached on, and that host must be one the listening address really answers
 * to (a DNS-rebound name is not). The token goes only to a same-origin request from a browser
 * that holds the presenter's session (auth.ts). Pure functions over request headers, plus the
 * address lookup.
 */
import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isIP } from 'node:net'
import os from 'node:os'

export interface OriginPolicy {
  /** `host:port` values (lowercase; IPv6 in brackets) this server may be reached as. */
  allowedHosts: () => Set<string>
  /** The allowed hosts only a further name accounts for (a tunnel's public name): requests by
   *  them arrive on loopback, from the tunnel, whoever opened the deck at its other end. */
  tunnelHosts: () => Set<string>
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]']

/**
 * @param address the listening address (`server.address()`), read at each request because Vite
 *   picks its port late and moves to the next one when the first is taken.
 * @param extraHosts further `host` or `host:port` names a deliberate setup is reached by (a
 *   tunnel): allowed as given and on the listening port.
 */
export function createOriginPolicy(address: () => AddressInfo | string | null, extraHosts: string[] = []): OriginPolicy {
  const listening = (): AddressInfo | undefined => {
    const info = address()
    return info === null || typeof info === 'string' ? undefined : info // a pipe: no browser reaches it
  }
  const extrasOn = (port: number): Set<string> => {
    const hosts = new Set<string>()
    for (const extra of extraHosts) {
      // As given (a tunnel's name, reached on its own default port) and on our port.
      hosts.add(extra.toLowerCase())
      if (!/:\d+$/.test(extra) || /^\[[^\]]*\]$/.test(extra))
        hosts.add(`${hostLiteral(extra.toLowerCase())}:${port}`)
    }
    return hosts
  }
  return {
    allowedHosts: () => {
      const info = listening()
      return info ? new Set([...ownHosts(info), ...extrasOn(info.port)]) : new Set()
    },
    tunnelHosts: () => {
      const info = listening()
      if (!info)
        return new Set()
      const own = ownHosts(info)
      // A loopback name (a local port forward) still means a browser on this machine.
      return new Set([...extrasOn(info.port)].filter(host => !own.has(host) && !isLoopbackName(host)))
    },
  }
}

/** The `host:port` names the listening address itself answers to. */
function ownHosts(info: AddressInfo): Set<string> {
  const hosts = new Set<string>()
  const port = info.port
  const names = new Set<string>()
  if (isWildcard(info.address)) {
    LOOPBACK_NAMES.forEach(name => names.add(name))
    names.add(os.hostname().toLowerCase())
    for (const list of Object.values(os.networkInterfaces())) {
      for (const entry of list ?? [])
        names.add(hostLiteral(entry.address))
    }
  }
  else if (isLoopback(info.address)) {
    LOOPBACK_NAMES.forEach(name => names.add(name))
  }
  else {
    names.add(hostLiteral(info.address))
  }
  for (const name of names) {
    hosts.add(`${name}:${port}`)
    if (port === 80)
      hosts.add(name) // browsers leave the default port out of Host
  }
  return hosts
}

/** `localhost:8080`, `127.0.0.2`, `[::1]:3030`: a host whose name is a loopback one. */
function isLoopbackName(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '')
  return name === 'localhost' || isLoopback(name)
}

/** The `Host` header (trimmed, lowercase; browsers leave the default port out) when it is a
 *  name this server is reached as, else undefined: a DNS-rebound name is not one. */
function allowedHost(req: IncomingMessage, policy: OriginPolicy): string | undefined {
  const host = req.headers.host?.trim().toLowerCase()
  return host && policy.allowedHosts().has(host) ? host : undefined
}

function foreignHost(req: IncomingMessage): string {
  return `the Host "${req.headers.host ?? ''}" is not an address this demo server listens on`
}

/** Why a WebSocket upgrade is refused, or undefined when it comes from the deck's own origin. */
export function refuseUpgrade(req: IncomingMessage, policy: OriginPolicy): string | undefined {
  const host = allowedHost(req, policy)
  if (!host)
    return foreignHost(req)
  const origin = req.headers.origin
  if (!origin)
    return 'no Origin header: open the deck in a browser, or send the Origin of the deck (the CLI does)'
  if (!sameOrigin(origin, host))
    return `the Origin "${origin}" is not the deck's own origin (http://${req.headers.host})`
  return undefined
}

/** Why the token is refused, or undefined for a same-origin request from a browser that holds
 *  the presenter's session (`hasSession`, auth.ts). No loopback rule: the cookie is the proof,
 *  and a co-presenter on another machine gets one from a login URL; a request by loopback
 *  proves nothing (any local process, a container on the host network, a reverse proxy). */
export function refuseTokenRequest(req: IncomingMessage, policy: OriginPolicy, hasSession: boolean): string | undefined {
  const host = allowedHost(req, policy)
  if (!host)
    return foreignHost(req)
  const site = req.headers['sec-fetch-site']
  const foreign = foreignPageHeader({ secFetchSite: Array.isArray(site) ? site[0] : site, origin: req.headers.origin, referer: req.headers.referer }, host)
  switch (foreign?.header) {
    case 'Sec-Fetch-Site':
      return `the request is "${foreign.value}", not same-origin`
    case 'Origin':
      return `the Origin "${foreign.value}" is not the deck's own origin`
    case 'Referer':
      return `the request came from the page "${foreign.value}", not from the deck`
  }
  if (!hasSession)
    return 'this browser has not signed in as the presenter: open the login URL that "npm start" printed (a fresh one: npm run demo -- login); other windows may watch'
  return undefined
}

/** Why a login request is refused before its secret is looked at: only by a name this server is
 *  reached as (a DNS-rebound page must not plant a session). */
export function refuseLoginRequest(req: IncomingMessage, policy: OriginPolicy): string | undefined {
  return allowedHost(req, policy) ? undefined : foreignHost(req)
}

/** What a browser says about the page a request came from. */
export interface PageHeaders {
  secFetchSite: string | undefined
  origin: string | undefined
  referer: string | undefined
}

/**
 * The header that shows a request came from another page than the deck's own at `host`:
 * Sec-Fetch-Site other than same-origin, an Origin of another host, or, when a browser sent
 * neither, a Referer of another page. Undefined for the deck's own page, and for a program that
 * sends none of them (the token endpoint and the dev-server guard ask for more than this).
 */
export function foreignPageHeader(page: PageHeaders, host: string): { header: 'Sec-Fetch-Site' | 'Origin' | 'Referer', value: string } | undefined {
  if (page.secFetchSite !== undefined && page.secFetchSite !== 'same-origin')
    return { header: 'Sec-Fetch-Site', value: page.secFetchSite }
  if (page.origin !== undefined)
    return sameOrigin(page.origin, host) ? undefined : { header: 'Origin', value: page.origin }
  if (page.secFetchSite === undefined && page.referer !== undefined && !sameOrigin(page.referer, host))
    return { header: 'Referer', value: page.referer }
  return undefined
}

/** The URL (an Origin or a Referer) names the host and port the request was sent to. URL.host,
 *  like Host, leaves the scheme's default port out; `null` and other schemes never match. */
export function sameOrigin(origin: string, normalizedHost: string): boolean {
  let url: URL
  try {
    url = new URL(origin)
  }
  catch {
    return false
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === normalizedHost
}

export function isLoopback(address: string | undefined): boolean {
  if (!address)
    return false
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address
  return plain === '::1' || /^127\.\d+\.\d+\.\d+$/.test(plain)
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '::0'
}

function hostLiteral(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address
}

/** The path of a request URL, without its query. */
export function pathOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url, 'http://localhost').pathname : undefined
  }
  catch {
    return undefined
  }
}
