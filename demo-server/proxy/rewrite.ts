/**
 * Pure rewrites of what the CLI sends: deck labels into create bodies and query parameters, and
 * the deck's label filter into prunes. No I/O: proxy-server.ts reads the bodies and asks the
 * engine what exists; these functions only compute the new request.
 */
import { DECK_LABEL, EXEC_MARK_VARIABLE, execMark } from '../engine/labels.ts'

export type Labels = Record<string, string>

/** JSON as the Engine API sends it: objects whose fields we read loosely. */
export type Json = Record<string, unknown>

function objectOr(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Json : {}
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** Our labels win over the client's: `--label org.docker-demo.deck=other` cannot escape. */
export function withLabels(body: Json, labels: Labels, field = 'Labels'): Json {
  return { ...body, [field]: { ...objectOr(body[field]) as Labels, ...labels } }
}

/** A volume's name as the engine accepts it (volume/local's validation); anything else in a
 *  bind's source is a host path. */
const VOLUME_NAME = /^[\w][\w.-]+$/

export interface NamedVolume {
  name: string
  driver?: string
  driverOpts?: Record<string, string>
}

/** Volumes that `-v NAME:/path` or `--mount source=NAME` make the engine create unlabelled. */
export function namedVolumesOf(body: Json): NamedVolume[] {
  const host = objectOr(body.HostConfig)
  const found = new Map<string, NamedVolume>()
  const driver = typeof host.VolumeDriver === 'string' && host.VolumeDriver !== '' ? host.VolumeDriver : undefined
  for (const bind of stringsOf(host.Binds)) {
    const source = bind.split(':')[0]
    if (bind.includes(':') && VOLUME_NAME.test(source) && !found.has(source))
      found.set(source, { name: source, ...(driver ? { driver } : {}) })
  }
  for (const mount of Array.isArray(host.Mounts) ? host.Mounts.map(objectOr) : []) {
    if (mount.Type !== 'volume' || typeof mount.Source !== 'string' || mount.Source === '' || found.has(mount.Source))
      continue
    const driverConfig = objectOr(objectOr(mount.VolumeOptions).DriverConfig)
    found.set(mount.Source, {
      name: mount.Source,
      ...(typeof driverConfig.Name === 'string' && driverConfig.Name !== '' ? { driver: driverConfig.Name } : {}),
      ...(driverConfig.Options ? { driverOpts: objectOr(driverConfig.Options) as Record<string, string> } : {}),
    })
  }
  return [...found.values()]
}

/** The user-defined networks a container would join (`--network X`, endpoints of X). */
export function networksOf(body: Json): string[] {
  const mode = objectOr(body.HostConfig).NetworkMode
  const endpoints = Object.keys(objectOr(objectOr(body.NetworkingConfig).EndpointsConfig))
  const names = new Set([...(typeof mode === 'string' && mode !== '' ? [mode] : []), ...endpoints])
  return [...names].filter(name => !isBuiltinNetworkMode(name))
}

/** The engine's own networks, and modes that name no network: joining them is always fine. */
export function isBuiltinNetworkMode(name: string): boolean {
  return ['bridge', 'host', 'none', 'default'].includes(name) || name.startsWith('container:')
}

/** `--volumes-from NAME[:ro|rw]`: the containers whose volumes would be mounted. */
export function volumesFromOf(body: Json): string[] {
  return stringsOf(objectOr(body.HostConfig).VolumesFrom).map(entry => entry.replace(/:(?:ro|rw)$/, ''))
}

/**
 * The container create body with deck labels on the container and on every anonymous volume:
 * `--mount type=volume,target=/x` gets VolumeOptions.Labels, and `-v /x` plus the image's
 * VOLUMEs become such mounts (the engine skips a Config.Volumes entry that already has a mount).
 * With --volumes-from the image's and -v's anonymous volumes are left alone: a mount of ours
 * would silently replace one that --volumes-from brings for the same path.
 */
export function labelContainerCreate(body: Json, labels: Labels, imageVolumes: string[]): Json {
  const host = objectOr(body.HostConfig)
  const mounts = Array.isArray(host.Mounts) ? host.Mounts.map(objectOr) : []
  const labelled = mounts.map((mount) => {
    if (mount.Type !== 'volume' || (typeof mount.Source === 'string' && mount.Source !== ''))
      return mount
    const options = objectOr(mount.VolumeOptions)
    return { ...mount, VolumeOptions: withLabels(options, labels) }
  })
  const added: Json[] = []
  if (volumesFromOf(body).length === 0) {
    const taken = new Set<string>([
      ...stringsOf(host.Binds).map(bind => bind.split(':')[1]).filter(Boolean),
      ...mounts.map(m => String(m.Target ?? '')),
      ...Object.keys(objectOr(host.Tmpfs)),
    ].map(normalizePath))
    for (const target of [...Object.keys(objectOr(body.Volumes)), ...imageVolumes]) {
      if (taken.has(normalizePath(target)))
        continue
      taken.add(normalizePath(target))
      added.push({ Type: 'volume', Target: target, VolumeOptions: { Labels: labels } })
    }
  }
  const hostConfig = labelled.length + added.length > 0 ? { ...host, Mounts: [...labelled, ...added] } : host
  return { ...withLabels(body, labels), ...(body.HostConfig !== undefined || added.length > 0 ? { HostConfig: hostConfig } : {}) }
}

function normalizePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path
}

/** `POST /build?labels={...}`: ours merged into the client's JSON. */
export function labelBuildQuery(query: URLSearchParams, labels: Labels): URLSearchParams {
  const next = new URLSearchParams(query)
  let existing: Labels = {}
  try {
    existing = objectOr(JSON.parse(query.get('labels') ?? '{}')) as Labels
  }
  catch {
    // The engine would reject the malformed parameter; ours replaces it instead.
  }
  next.set('labels', JSON.stringify({ ...existing, ...labels }))
  return next
}

/** `docker import`: `changes=LABEL k=v` applies the labels to the imported image. */
export function labelImportQuery(query: URLSearchParams, labels: Labels): URLSearchParams {
  const next = new URLSearchParams(query)
  for (const [key, value] of Object.entries(labels))
    next.append('changes', `LABEL ${JSON.stringify(key)}=${JSON.stringify(value)}`)
  return next
}

/**
 * Prunes: `label=<deck label>=<deckId>` added to whatever the client asked for. The engine ANDs
 * label filters, so a client's own filters can only narrow the prune, never widen it.
 */
export function scopePruneQuery(query: URLSearchParams, deckId: string): URLSearchParams {
  let filters: Json = {}
  try {
    filters = objectOr(JSON.parse(query.get('filters') ?? '{}'))
  }
  catch {
    // A malformed filter would fail in the engine; ours alone is the narrower choice.
  }
  // Filters arrive as {"label":{"k=v":true}} or, from older clients, {"label":["k=v"]}.
  const label = filters.label
  const existing: Record<string, boolean> = Array.isArray(label)
    ? Object.fromEntries(stringsOf(label).map(value => [value, true]))
    : objectOr(label) as Record<string, boolean>
  const next = new URLSearchParams(query)
  next.set('filters', JSON.stringify({ ...filters, label: { ...existing, [`${DECK_LABEL}=${deckId}`]: true } }))
  return next
}

/** The repository:tag references an image would be given (`-t`, `repo`+`tag`), normalized
 *  enough to be inspected: a missing tag is `latest`. */
export function referenceOf(repo: string, tag?: string | null): string {
  if (tag)
    return `${repo}:${tag}`
  if (repo.includes('@'))
    return repo
  const lastSegment = repo.slice(repo.lastIndexOf('/') + 1)
  return lastSegment.includes(':') ? repo : `${repo}:latest`
}

/** A tag as `docker images` lists it (`mine:1.0`, `127.0.0.1:5000/x:y`), however the CLI spelled
 *  it (`docker.io/library/mine`, `mine`). */
export function tagKey(reference: string): string {
  return referenceOf(reference).replace(/^docker\.io\/(?:library\/)?/, '')
}

/** Loopback registries are on this machine: pulls and pushes to them work offline. */
export function isLoopbackRegistry(reference: string): boolean {
  const first = reference.split('/')[0]
  return reference.includes('/') && /^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])(?::\d+)?$/.test(first)
}

/** `docker load` prints `Loaded image: NAME` or `Loaded image ID: sha256:...` per image. */
export function loadedImagesOf(output: string): string[] {
  const found: string[] = []
  for (const match of output.matchAll(/Loaded image(?: ID)?: ([^\s"\\]+)/g))
    found.push(match[1])
  return found
}

/** An exec create with the run's mark in its environment (engine/labels.ts, EXEC_MARK_VARIABLE),
 *  replacing any mark the client set: cancel finds the exec's processes by it. */
export function markExecCreate(body: Json, runId: string): Json {
  const env = stringsOf(body.Env).filter(entry => !entry.startsWith(`${EXEC_MARK_VARIABLE}=`))
  return { ...body, Env: [...env, execMark(runId)] }
}
