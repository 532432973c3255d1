/**
 * The proxy's gate: which Engine API calls pass, and what is checked on the way. One row per
 * endpoint and method, first match wins, and anything without a row is refused (default deny),
 * as Tecnativa/docker-socket-proxy lists the API by section in its haproxy.cfg.
 *
 * Paths are written without the version prefix; `/v1.41/containers/json` matches
 * `/containers/json`. `{id}` is one path segment; `{name*}` spans slashes (image references such
 * as `127.0.0.1:5000/library/alpine:latest`); a trailing `/**` matches the path and all below.
 * Pure: no I/O here, proxy-server.ts does what the `action` column says.
 */

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | '*'

/**
 * What the server does with a matched request:
 * - pass                forward as is (reads)
 * - registry            a read that contacts a registry: refused offline
 * - create-*            labels injected into what gets created (see rewrite.ts)
 * - own-*               the object named in the path must carry this deck's label
 * - prune               `label=<deck label>=<deckId>` added to the filters
 * - prune-nothing       answered by the proxy as a prune that found nothing of the deck's
 * - deny                refused with the row's reason
 */
export type Action =
  | 'pass' | 'registry'
  | 'create-container' | 'create-network' | 'create-volume' | 'build' | 'pull-or-import' | 'commit' | 'load'
  | 'own-container' | 'own-exec' | 'own-network' | 'own-volume' | 'remove-image'
  | 'exec-create' | 'network-connect' | 'image-tag' | 'image-push'
  | 'prune' | 'prune-nothing'
  | 'deny'

export type RuleKind = 'read' | 'create' | 'scoped-write' | 'prune' | 'deny'

/** The attach and exec-start family: answered with 101 and then a raw stream both ways. */
export const HIJACK = 'hijack'

type Row = readonly [method: Method, path: string, action: Action, check: string, hijack?: typeof HIJACK]

const SWARM = 'swarm mode turns this engine into a cluster manager; the demo server leaves engine-wide state alone'
const SWARM_OBJECT = 'swarm objects (services, nodes, tasks, secrets, configs) belong to a swarm, which the demo server does not manage'

export const RULES: readonly Row[] = [
  // method  path                              action              what is checked / why refused
  // -- system ------------------------------------------------------------------------------------
  ['GET',    '/_ping',                         'pass',             'read'],
  ['HEAD',   '/_ping',                         'pass',             'read'],
  ['GET',    '/version',                       'pass',             'read'],
  ['GET',    '/info',                          'pass',             'read'],
  ['GET',    '/events',                        'pass',             'read, streamed'],
  ['GET',    '/system/df',                     'pass',             'read'],
  ['POST',   '/auth',                          'registry',         'docker login checks credentials with a registry: refused offline'],
  // -- containers --------------------------------------------------------------------------------
  ['GET',    '/containers/json',               'pass',             'read'],
  ['POST',   '/containers/create',             'create-container', 'deck labels into Labels; networks and --volumes-from must be the deck\'s; named volumes created labelled first; anonymous volumes labelled via Mounts'],
  ['POST',   '/containers/prune',              'prune',            'deck label filter added'],
  ['GET',    '/containers/{id}/json',          'pass',             'read'],
  ['GET',    '/containers/{id}/top',           'pass',             'read'],
  ['GET',    '/containers/{id}/logs',          'pass',             'read, streamed (logs -f)'],
  ['GET',    '/containers/{id}/changes',       'pass',             'read'],
  ['GET',    '/containers/{id}/export',        'pass',             'read, streamed'],
  ['GET',    '/containers/{id}/stats',         'pass',             'read, streamed'],
  ['GET',    '/containers/{id}/archive',       'pass',             'read (docker cp out of a container)'],
  ['HEAD',   '/containers/{id}/archive',       'pass',             'read'],
  ['PUT',    '/containers/{id}/archive',       'own-container',    'container carries the deck label (docker cp into it)'],
  ['POST',   '/containers/{id}/start',         'own-container',    'container carries the deck label'],
  ['POST',   '/containers/{id}/stop',          'own-container',    'container carries the deck label'],
  ['POST',   '/containers/{id}/restart',       'own-container',    'container carries the deck label'],
  ['POST',   '/containers/{id}/kill',          'own-container',    'container carries the deck label'],
  ['POST',   '/containers/{id}/pause',         'own-container',    'container carries the deck label'],
  ['POST',   '/containers/{id}/unpause',       'own-container',    'container carries the deck label'],
  ['POST',   '/containers/{id}/wait',          'own-container',    'container carries the deck label; headers flushed at once'],
  ['POST',   '/containers/{id}/resize',        'own-container',    'container carries the deck label'],
  ['POST',   '/containers/{id}/rename',        'own-container',    'container carries the deck label'],
  ['POST',   '/containers/{id}/update',        'own-container',    'container carries the deck label'],
  ['POST',   '/containers/{id}/attach',        'own-container',    'container carries the deck label', HIJACK],
  ['GET',    '/containers/{id}/attach/ws',     'own-container',    'container carries the deck label', HIJACK],
  ['POST',   '/containers/{id}/exec',          'exec-create',      'container carries the deck label; the run\'s mark goes into Env, the exec is remembered for its run'],
  ['DELETE', '/containers/{id}',               'own-container',    'container carries the deck label'],
  ['POST',   '/containers/{id}/copy',          'deny',             'removed from the Engine API in 1.24; docker cp uses /archive'],
  // -- exec --------------------------------------------------------------------------------------
  ['GET',    '/exec/{id}/json',                'pass',             'read'],
  ['POST',   '/exec/{id}/start',               'own-exec',         'exec created through this proxy, or in a container with the deck label', HIJACK],
  ['POST',   '/exec/{id}/resize',              'own-exec',         'exec created through this proxy, or in a container with the deck label'],
  // -- images ------------------------------------------------------------------------------------
  ['GET',    '/images/json',                   'pass',             'read'],
  ['GET',    '/images/get',                    'pass',             'read (docker save)'],
  ['GET',    '/images/search',                 'registry',         'searches Docker Hub: refused offline'],
  ['POST',   '/images/create',                 'pull-or-import',   'pull: refused offline unless from a loopback registry, new image remembered; import: LABEL changes added'],
  ['POST',   '/images/load',                   'load',             'images that were not on the engine before are remembered as the deck\'s'],
  ['POST',   '/images/prune',                  'prune',            'deck label filter added'],
  ['POST',   '/build',                         'build',            'deck labels into the labels parameter; -t must not take a tag of an image the deck did not create'],
  ['POST',   '/build/prune',                   'prune-nothing',    'answered by the proxy: the build cache carries no labels, so none of it is the deck\'s to prune'],
  ['POST',   '/commit',                        'commit',           'container carries the deck label; deck labels into the image config'],
  ['GET',    '/images/{name*}/json',           'pass',             'read'],
  ['GET',    '/images/{name*}/history',        'pass',             'read'],
  ['GET',    '/images/{name*}/get',            'pass',             'read (docker save)'],
  ['POST',   '/images/{name*}/tag',            'image-tag',        'any image; the new tag must not belong to an image the deck did not create'],
  ['POST',   '/images/{name*}/push',           'image-push',       'image built or brought in by the deck; refused offline unless to a loopback registry'],
  ['DELETE', '/images/{name*}',                'remove-image',     'image built or brought in by the deck, or a tag the deck gave an image that keeps another name'],
  ['GET',    '/distribution/{name*}/json',     'registry',         'asks a registry: refused offline'],
  // -- networks ----------------------------------------------------------------------------------
  ['GET',    '/networks',                      'pass',             'read'],
  ['POST',   '/networks/create',               'create-network',   'deck labels into Labels'],
  ['POST',   '/networks/prune',                'prune',            'deck label filter added'],
  ['GET',    '/networks/{id}',                 'pass',             'read'],
  ['POST',   '/networks/{id}/connect',         'network-connect',  'container carries the deck label; network is the deck\'s or bridge/host/none'],
  ['POST',   '/networks/{id}/disconnect',      'network-connect',  'container carries the deck label; network is the deck\'s or bridge/host/none'],
  ['DELETE', '/networks/{id}',                 'own-network',      'network carries the deck label'],
  // -- volumes -----------------------------------------------------------------------------------
  ['GET',    '/volumes',                       'pass',             'read'],
  ['POST',   '/volumes/create',                'create-volume',    'deck labels into Labels; an existing volume of someone else\'s is not handed over'],
  ['POST',   '/volumes/prune',                 'prune',            'deck label filter added'],
  ['GET',    '/volumes/{name}',                'pass',             'read'],
  ['DELETE', '/volumes/{name}',                'own-volume',       'volume carries the deck label'],
  // -- BuildKit ----------------------------------------------------------------------------------
  ['POST',   '/session',                       'pass',             'BuildKit\'s session for a build: the build itself is labelled by POST /build', HIJACK],
  ['*',      '/grpc',                          'deny',             'BuildKit\'s gRPC API (buildx) builds and prunes around the proxy\'s labels; build with DOCKER_BUILDKIT=0'],
  // -- swarm and plugins: lists pass, everything else is refused ---------------------------------
  ['GET',    '/swarm',                         'pass',             'read'],
  ['GET',    '/nodes',                         'pass',             'read'],
  ['GET',    '/services',                      'pass',             'read'],
  ['GET',    '/tasks',                         'pass',             'read'],
  ['GET',    '/secrets',                       'pass',             'read (names only, never the data)'],
  ['GET',    '/configs',                       'pass',             'read'],
  ['GET',    '/plugins',                       'pass',             'read'],
  // `docker inspect NAME` asks every kind of object in turn, plugins and swarm objects included.
  ['GET',    '/nodes/{id}',                    'pass',             'read'],
  ['GET',    '/services/{id}',                 'pass',             'read'],
  ['GET',    '/services/{id}/logs',            'pass',             'read, streamed'],
  ['GET',    '/tasks/{id}',                    'pass',             'read'],
  ['GET',    '/tasks/{id}/logs',               'pass',             'read, streamed'],
  ['GET',    '/secrets/{id}',                  'pass',             'read (metadata, never the data)'],
  ['GET',    '/configs/{id}',                  'pass',             'read'],
  ['GET',    '/plugins/{name*}/json',          'pass',             'read'],
  ['*',      '/swarm/**',                      'deny',             SWARM],
  ['*',      '/nodes/**',                      'deny',             SWARM_OBJECT],
  ['*',      '/services/**',                   'deny',             SWARM_OBJECT],
  ['*',      '/tasks/**',                      'deny',             SWARM_OBJECT],
  ['*',      '/secrets/**',                    'deny',             SWARM_OBJECT],
  ['*',      '/configs/**',                    'deny',             SWARM_OBJECT],
  ['*',      '/plugins/**',                    'deny',             'plugins install code that runs inside the engine itself'],
]

export interface Rule {
  method: Method
  path: string
  action: Action
  kind: RuleKind
  check: string
  hijack: boolean
}

export type Match =
  | { allowed: true, rule: Rule, params: Record<string, string>, path: string, query: URLSearchParams }
  | { allowed: false, rule: Rule | undefined, reason: string, path: string }

export function kindOf(action: Action): RuleKind {
  if (action === 'pass' || action === 'registry')
    return 'read'
  if (action === 'prune' || action === 'prune-nothing')
    return 'prune'
  if (action === 'deny')
    return action
  if (action.startsWith('create-') || action === 'build' || action === 'pull-or-import' || action === 'commit' || action === 'load')
    return 'create'
  return 'scoped-write'
}

interface CompiledRule { rule: Rule, pattern: RegExp, names: string[] }

const VERSION_PREFIX = /^\/v\d+(?:\.\d+)?(?=\/)/

function compile(row: Row): CompiledRule {
  const [method, path, action, check, hijack] = row
  const names: string[] = []
  let source = ''
  for (const part of path.split(/(\{\w+\*?\}|\/\*\*)/)) {
    if (part === '/**') {
      source += '(?:/.*)?'
    }
    else if (part.startsWith('{')) {
      const spansSlashes = part.endsWith('*}')
      names.push(part.slice(1, spansSlashes ? -2 : -1))
      source += spansSlashes ? '(.+)' : '([^/]+)'
    }
    else {
      source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    }
  }
  return { rule: { method, path, action, kind: kindOf(action), check, hijack: hijack === HIJACK }, pattern: new RegExp(`^${source}/?$`), names }
}

const COMPILED = RULES.map(compile)

/** The row for a request, with its path parameters (decoded) and query; default deny. */
export function matchRequest(method: string, url: string): Match {
  const parsed = new URL(url, 'http://engine')
  const path = parsed.pathname.replace(VERSION_PREFIX, '')
  for (const { rule, pattern, names } of COMPILED) {
    if (rule.method !== '*' && rule.method !== method)
      continue
    const found = pattern.exec(path)
    if (!found)
      continue
    if (rule.action === 'deny')
      return { allowed: false, rule, reason: rule.check, path }
    const params: Record<string, string> = {}
    names.forEach((name, i) => { params[name] = decodeURIComponent(found[i + 1]) })
    return { allowed: true, rule, params, path, query: parsed.searchParams }
  }
  return { allowed: false, rule: undefined, reason: 'it is not in the demo server\'s table of Engine API calls (demo-server/proxy/rules.ts)', path }
}

/** The table as text, one row a line, for the README and for people reading logs. */
export function formatRules(): string {
  return COMPILED.map(({ rule }) => `${rule.method.padEnd(7)}${rule.path.padEnd(30)}${rule.kind.padEnd(13)}${rule.check}${rule.hijack ? ' [hijack]' : ''}`).join('\n')
}
