/**
 * Who may change state through Slidev's and Vite's own dev-server endpoints. Docker access is
 * root access and the deck's dev server also runs the demos, so rewriting the deck (or any other
 * state) from a foreign page is as good as running commands. Pure functions over request facts;
 * the Vite wiring is dev-server-guard-hooks.ts.
 *
 * The rule, default deny: every request that is not a GET or HEAD, and the GET endpoints in
 * ENDPOINTS marked `any method`, is a write. A write is allowed only from a loopback address,
 * to a Host this server really listens on (not a tunnel's), from the deck's own origin, by the
 * presenter (auth.ts: the session cookie of a signed-in browser, or the token a program of
 * this user reads from its runtime file). Reads stay open, so that other machines on
 * `slidev --remote` can watch.
 */
import { PROTOCOL_PATH, TOKEN_PATH } from '../protocol.ts'
import { foreignPageHeader, isLoopback } from './origin.ts'

/** One endpoint a dev-server plugin registers, reviewed by hand (read from its dist code). */
export interface Endpoint {
  /** The plugin (or Vite itself) that registers it. */
  owner: string
  method: 'GET' | 'POST' | 'any' | 'upgrade' | 'hmr event'
  /** A path, a path prefix ending in `*`, or for HMR events the event name. */
  path: string
  changes: string
  guard: string
}

/**
 * Every endpoint of `slidev` (52.20) and Vite (8.4) in this repository's node_modules that can
 * change something, one row each, like docker-socket-proxy's haproxy.cfg table. Reads that
 * change nothing (modules, assets, `GET /__slidev/slides/N.json`) are not listed one by one:
 * test/server/slidev-endpoints.test.ts pins the whole middleware stack and fails on a new one.
 */
export const ENDPOINTS: readonly Endpoint[] = [
  { owner: 'slidev:loader', method: 'POST', path: '/__slidev/slides/N.json', changes: 'rewrites the deck file (content, note, frontmatter)', guard: 'write' },
  { owner: 'slidev:mcp', method: 'any', path: '/__mcp', changes: 'MCP tools: update, insert, remove and move slides (the deck file), drive every window to a slide', guard: 'write, every method (an MCP session is a write channel)' },
  { owner: 'vite-plugin-vue-server-ref', method: 'POST', path: '/@server-ref/*', changes: 'shared state (nav, drawings, snapshots), broadcast to every window; drawings and snapshots are written under .slidev/', guard: 'write' },
  { owner: 'vite-plugin-vue-server-ref', method: 'POST', path: '/@server-reactive/*', changes: 'as /@server-ref/*', guard: 'write' },
  { owner: 'unocss:devtools', method: 'POST', path: '/@unocss-devtools-update', changes: 'adds classes to the generated CSS of every window', guard: 'write' },
  { owner: 'unocss:inspector:rpc (devframe)', method: 'any', path: '/__unocss/*', changes: 'none found (query RPCs), but devframe also serves auth and RPC transports there', guard: 'write for every method but GET/HEAD; its WebSocket from loopback only' },
  { owner: 'vite', method: 'any', path: '/__open-in-editor', changes: 'starts an editor process ($LAUNCH_EDITOR, $VISUAL, $EDITOR or a guessed one) on any existing file', guard: 'write, every method (a GET starts a process)' },
  { owner: 'vite (HMR)', method: 'upgrade', path: '/ (vite-hmr, vite-ping)', changes: 'carries the client events below', guard: 'same origin; another machine may connect to watch, and its messages are dropped' },
  { owner: 'slidev:monaco-write', method: 'hmr event', path: 'slidev:monaco-write', changes: 'writes a snippet file marked {monaco-write} in the deck', guard: 'HMR upgrade rule' },
  { owner: 'unocss:global', method: 'hmr event', path: 'unocss:hmr', changes: 'regenerates a CSS layer and pushes it to every window', guard: 'HMR upgrade rule' },
  { owner: 'vite', method: 'hmr event', path: 'vite:invalidate', changes: 'invalidates a module; every window reloads it', guard: 'HMR upgrade rule' },
  { owner: 'docker-demo', method: 'upgrade', path: PROTOCOL_PATH, changes: 'runs demos (with the token)', guard: 'same origin here, then demo-server/server/origin.ts refuseUpgrade and the token' },
  { owner: 'docker-demo', method: 'GET', path: TOKEN_PATH, changes: 'hands out the control token', guard: 'demo-server/server/origin.ts refuseTokenRequest (read here, so that its reasons reach the caller)' },
]

/** GET endpoints that still act: a cross-site `<img src>` must not start an editor. */
const WRITES_ON_ANY_METHOD = ['/__open-in-editor', '/__mcp']

/** What the decisions need to know about one request; the edge reads it off IncomingMessage. */
export interface RequestFacts {
  method: string
  /** The path without its query. */
  path: string
  remoteAddress: string | undefined
  host: string | undefined
  origin: string | undefined
  secFetchSite: string | undefined
  referer: string | undefined
  /** Carries the presenter's credentials (auth.ts `isPresenter`). */
  presenter: boolean
}

/** The Host names this server answers to: OriginPolicy's sets, read once per request. */
export interface HostSets {
  allowed: Set<string>
  /** Allowed names of a tunnel: requests arrive on loopback from whoever is at its other end. */
  tunnel: Set<string>
}

export type RefusalKind = 'remote-address' | 'foreign-host' | 'tunnel-host' | 'cross-site' | 'foreign-origin' | 'not-presenter' | 'viewer-navigation'

/** Slidev's navigation sync: every window posts the slide it is on, and the others follow. */
const NAVIGATION_SYNC = '/@server-reactive/nav'

export interface Refusal {
  kind: RefusalKind
  /** One line for the 403 body and the log: what was refused and what to do. */
  reason: string
}

export function isWrite(method: string, path: string): boolean {
  const upper = method.toUpperCase()
  if (upper !== 'GET' && upper !== 'HEAD')
    return true
  return WRITES_ON_ANY_METHOD.some(route => routeMatches(route, path))
}

/** As connect (Vite's router) matches a `use(route, ...)`: any case, and the route followed by
 *  nothing, `/` or `.` (`/__OPEN-IN-EDITOR`, `/__open-in-editor.x` reach the editor too). */
function routeMatches(route: string, path: string): boolean {
  const lower = path.toLowerCase()
  return lower === route || lower.startsWith(`${route}/`) || lower.startsWith(`${route}.`)
}

/** Why a write is refused, or undefined when it comes from the deck's own page on this machine. */
export function refuseWrite(req: RequestFacts, hosts: HostSets): Refusal | undefined {
  const what = `${req.method.toUpperCase()} ${req.path}`
  if (!isLoopback(req.remoteAddress))
    return { kind: 'remote-address', reason: `${what} acts on the deck (its files, its windows or this machine), and only the presenter's machine may do that (this request came from ${req.remoteAddress ?? 'an unknown address'}); other machines may watch` }
  const refusal = refuseForeignPage(req, hosts, what, true)
  if (refusal)
    return refusal
  // Expected of every window that watches: say so, rather than sound like an attack.
  if (!req.presenter && routeMatches(NAVIGATION_SYNC, req.path))
    return { kind: 'viewer-navigation', reason: `a window that has not signed in tried to move every window to its slide (Slidev's navigation sync, ${what}): watching windows follow the presenter and cannot move the others. If that browser is the presenter's, open the login URL that "npm start" printed (a fresh one: npm run demo -- login)` }
  if (!req.presenter)
    return { kind: 'not-presenter', reason: `${what} acts on the deck (its files, its windows or this machine), and only the presenter may: open the login URL that "npm start" printed (a fresh one: npm run demo -- login); a program of this user sends "Authorization: Bearer" with the token from the server's runtime file` }
  return undefined
}

/** The outcome for a WebSocket upgrade: refused, or allowed and maybe only to watch. */
export type UpgradeVerdict = { refusal: Refusal } | { refusal?: undefined, readOnly: boolean }

/**
 * Vite's HMR socket carries the deck's live updates (and presenter sync) to every window, so
 * another machine, or a window that is not the presenter's, may open it to watch; what it
 * sends is dropped (readOnly). The demo server's
 * socket does its own checks and needs its token to act. Any other socket is loopback only.
 */
export function decideUpgrade(req: RequestFacts & { protocol: string | undefined }, hosts: HostSets, demoPath: string): UpgradeVerdict {
  const what = `a WebSocket to ${req.path}`
  const refusal = refuseForeignPage(req, hosts, what, false)
  if (refusal)
    return { refusal }
  const watcher = !isLoopback(req.remoteAddress) || hosts.tunnel.has(normalHost(req.host))
  const isHmr = req.protocol === 'vite-hmr' || req.protocol === 'vite-ping'
  if (isHmr || req.path === demoPath)
    return { readOnly: watcher || !req.presenter }
  if (watcher)
    return { refusal: { kind: 'remote-address', reason: `${what} is for this machine only (this request came from ${req.remoteAddress ?? 'an unknown address'} as "${req.host ?? ''}")` } }
  return { readOnly: false }
}

/**
 * Same origin: the Host is one we listen on, and Origin (or, without it, Sec-Fetch-Site, then
 * Referer) names it. No Origin, Sec-Fetch-Site or Referer at all is a program on this machine
 * (curl, an MCP agent): browsers send Sec-Fetch-Site on every request and Origin on every POST.
 * Such a program is another user, a container on the host network, or the presenter's own
 * agent: refuseWrite then asks for the presenter's token.
 */
function refuseForeignPage(req: RequestFacts, hosts: HostSets, what: string, write: boolean): Refusal | undefined {
  const host = normalHost(req.host)
  if (!hosts.allowed.has(host))
    return { kind: 'foreign-host', reason: `${what} was sent to the Host "${req.host ?? ''}", which is not an address this server listens on (DNS rebinding?); open the deck by http://localhost:<port>` }
  if (write && hosts.tunnel.has(host))
    return { kind: 'tunnel-host', reason: `${what} came through "${host}", a tunnel's name: who opens the deck there may only watch; change it on this machine, by localhost` }
  const foreign = foreignPageHeader(req, host)
  switch (foreign?.header) {
    case 'Sec-Fetch-Site':
      return { kind: 'cross-site', reason: `${what} came from a "${foreign.value}" page, not from the deck itself (Sec-Fetch-Site); only the deck's own pages may change it` }
    case 'Origin':
      return { kind: 'foreign-origin', reason: `${what} came from the Origin "${foreign.value}", not the deck's own (http://${req.host ?? ''}); only the deck's own pages may change it` }
    case 'Referer':
      return { kind: 'foreign-origin', reason: `${what} came from the page "${foreign.value}", not the deck's own (http://${req.host ?? ''}); only the deck's own pages may change it` }
  }
  return undefined
}

/** Who may frame the deck: only itself (Slidev's presenter and overview show same-origin pages). */
export const FRAME_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': 'frame-ancestors \'self\'',
  // For browsers without CSP level 2.
  'X-Frame-Options': 'SAMEORIGIN',
}

function normalHost(host: string | undefined): string {
  return host?.trim().toLowerCase() ?? ''
}
