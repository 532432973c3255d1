/**
 * What each `action` of the rules table does before the request goes on: the ownership checks
 * (ownership.ts), the rewrites (rewrite.ts), and what to remember from the answer (tracking.ts).
 * A handler returns a Refusal, or a Plan for proxy-server.ts to forward.
 */
import { demoLabels } from '../engine/labels.ts'
import type { Ownership } from './ownership.ts'
import type { Refusal } from './refusals.ts'
import { denied, familiar, offline } from './refusals.ts'
import { BuildOutputFilter } from './build-output.ts'
import type { Json } from './rewrite.ts'
import {
  isLoopbackRegistry,
  labelBuildQuery,
  labelContainerCreate,
  labelImportQuery,
  loadedImagesOf,
  markExecCreate,
  namedVolumesOf,
  networksOf,
  referenceOf,
  scopePruneQuery,
  tagKey,
  volumesFromOf,
  withLabels,
} from './rewrite.ts'
import type { Action } from './rules.ts'
import type { CreatedObjects, ProxyScope } from './tracking.ts'

export interface ActionContext {
  method: string
  path: string
  params: Record<string, string>
  query: URLSearchParams
  scope: ProxyScope
  offline: boolean
  ownership: Ownership
  created: CreatedObjects
  /** The request body as JSON ({} when empty); reading it means the plan must send a body. */
  readJson: () => Promise<Json | Refusal>
}

export interface Plan {
  /** Replaces the query string. */
  query?: URLSearchParams
  /** Replaces the body (JSON). When the handler read the body and sets none, it goes as read. */
  body?: Json
  /** Buffer the engine's answer (small JSON) instead of streaming it, and pass it to `after`. */
  collect?: boolean
  /** Answered by the proxy itself; the engine never sees the request. */
  reply?: { status: number, body: Json }
  /** Runs once the engine's answer is complete, before the client sees its end. */
  after?: (status: number, answer: Buffer) => Promise<void> | void
  /** Rewrites a streamed answer on its way to the client. */
  filter?: { push: (chunk: string) => string, end: () => string }
}

type Handler = (ctx: ActionContext) => Promise<Plan | Refusal>

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'status' in value && 'message' in value
}

const labelsOf = (scope: ProxyScope): Record<string, string> => demoLabels(scope.deckId, scope.demoId, scope.runId)

/** The first refusal among checks run one after another (later checks may create volumes). */
async function firstRefusal(checks: Array<() => Promise<Refusal | undefined>>): Promise<Refusal | undefined> {
  for (const check of checks) {
    const refusal = await check()
    if (refusal)
      return refusal
  }
  return undefined
}

function idOf(answer: Buffer): string | undefined {
  try {
    const id = (JSON.parse(answer.toString('utf8')) as { Id?: unknown }).Id
    return typeof id === 'string' ? id : undefined
  }
  catch {
    return undefined
  }
}

const pass: Handler = async () => ({})

const own = (check: (ctx: ActionContext) => Promise<Refusal | undefined>): Handler => async ctx => await check(ctx) ?? {}

const createContainer: Handler = async (ctx) => {
  const body = await ctx.readJson()
  if (isRefusal(body))
    return body
  const { ownership, scope } = ctx
  // Asked alongside the checks: every container create waits for it.
  const imageInfo = typeof body.Image === 'string' ? ownership.imageInfo(body.Image).catch(() => undefined) : Promise.resolve(undefined)
  const refusal = await firstRefusal([
    ...networksOf(body).map(name => () => ownership.joinableNetwork(scope, name)),
    ...volumesFromOf(body).map(name => () => ownership.container(scope, name)),
    ...namedVolumesOf(body).map(volume => () => ownership.claimVolume(scope, volume)),
  ])
  if (refusal)
    return refusal
  const image = await imageInfo
  const imageVolumes = Object.keys(image?.Config?.Volumes ?? {})
  return {
    body: labelContainerCreate(body, labelsOf(scope), imageVolumes),
    collect: true,
    after: (status, answer) => {
      const id = idOf(answer)
      if (status === 201 && id)
        ctx.created.addContainer(scope, id)
    },
  }
}

const createNetwork: Handler = async (ctx) => {
  const body = await ctx.readJson()
  return isRefusal(body) ? body : { body: withLabels(body, labelsOf(ctx.scope)) }
}

const createVolume: Handler = async (ctx) => {
  const body = await ctx.readJson()
  if (isRefusal(body))
    return body
  const name = typeof body.Name === 'string' ? body.Name : ''
  const refusal = name ? await ctx.ownership.volumeNameFree(ctx.scope, name) : undefined
  return refusal ?? { body: withLabels(body, labelsOf(ctx.scope)) }
}

const build: Handler = async (ctx) => {
  const refusal = await firstRefusal(ctx.query.getAll('t').map(t => () => ctx.ownership.tagFree(ctx.scope, referenceOf(t))))
  if (refusal)
    return refusal
  const labels = labelsOf(ctx.scope)
  // BuildKit (version=2) labels without steps; the classic builder shows each label as one.
  return { query: labelBuildQuery(ctx.query, labels), ...(ctx.query.get('version') === '2' ? {} : { filter: new BuildOutputFilter(Object.keys(labels).length) }) }
}

const pullOrImport: Handler = async (ctx) => {
  const { query, scope, ownership } = ctx
  const fromImage = query.get('fromImage')
  const repo = query.get('repo')
  if (!fromImage) {
    // docker import: the image gets the labels from LABEL changes.
    const refusal = repo ? await ownership.tagFree(scope, referenceOf(repo, query.get('tag'))) : undefined
    return refusal ?? { query: labelImportQuery(query, labelsOf(scope)) }
  }
  const reference = referenceOf(fromImage, query.get('tag'))
  if (ctx.offline && !isLoopbackRegistry(reference))
    return offline(`"docker pull ${familiar(reference)}"`, familiar(reference))
  const before = await ownership.imageInfo(reference)
  return {
    after: async (status) => {
      const now = status === 200 ? await ownership.imageInfo(reference) : undefined
      // A pull cannot carry labels; an image it brings in is the deck's, one already there is not.
      if (now && now.Id !== before?.Id)
        ctx.created.addImage(scope.deckId, now.Id)
    },
  }
}

const load: Handler = async (ctx) => {
  const before = await ctx.ownership.upstreamImageIds()
  return {
    after: async (status, answer) => {
      if (status !== 200)
        return
      for (const ref of loadedImagesOf(answer.toString('utf8'))) {
        const info = await ctx.ownership.imageInfo(ref)
        if (info && !before.has(info.Id))
          ctx.created.addImage(ctx.scope.deckId, info.Id)
      }
    },
  }
}

const commit: Handler = async (ctx) => {
  const { query, scope, ownership } = ctx
  const container = query.get('container') ?? ''
  const repo = query.get('repo')
  const refusal = await firstRefusal([
    () => ownership.container(scope, container),
    ...(repo ? [() => ownership.tagFree(scope, referenceOf(repo, query.get('tag')))] : []),
  ])
  if (refusal)
    return refusal
  const body = await ctx.readJson()
  return isRefusal(body) ? body : { body: withLabels(body, labelsOf(scope)) }
}

const execCreate: Handler = async (ctx) => {
  const refusal = await ctx.ownership.container(ctx.scope, ctx.params.id)
  if (refusal)
    return refusal
  const body = await ctx.readJson()
  if (isRefusal(body))
    return body
  return {
    body: markExecCreate(body, ctx.scope.runId),
    collect: true,
    after: (status, answer) => {
      const id = idOf(answer)
      if (status === 201 && id)
        ctx.created.addExec(ctx.scope, id)
    },
  }
}

const networkConnect: Handler = async (ctx) => {
  const body = await ctx.readJson()
  if (isRefusal(body))
    return body
  const container = typeof body.Container === 'string' ? body.Container : ''
  return await firstRefusal([
    () => ctx.ownership.joinableNetwork(ctx.scope, ctx.params.id),
    () => ctx.ownership.container(ctx.scope, container),
  ]) ?? {}
}

/** Any image may get a new name: the name is then the deck's (the image stays whose it was). A
 *  name that belongs to the presenter's image is not moved. */
const imageTag: Handler = async (ctx) => {
  const repo = ctx.query.get('repo') ?? ''
  const reference = referenceOf(repo, ctx.query.get('tag'))
  const refusal = repo ? await ctx.ownership.tagFree(ctx.scope, reference) : undefined
  return refusal ?? {
    after: (status) => {
      if (status === 201)
        ctx.created.addTag(ctx.scope.deckId, tagKey(reference))
    },
  }
}

const removeImage: Handler = async (ctx) => {
  const refusal = await ctx.ownership.removableImage(ctx.scope, ctx.params.name)
  return refusal ?? {
    after: (status) => {
      if (status === 200)
        ctx.created.forgetTag(tagKey(ctx.params.name))
    },
  }
}

const imagePush: Handler = async (ctx) => {
  const reference = referenceOf(ctx.params.name, ctx.query.get('tag'))
  if (ctx.offline && !isLoopbackRegistry(reference))
    return offline(`"docker push ${familiar(reference)}"`)
  return await ctx.ownership.image(ctx.scope, ctx.params.name) ?? {}
}

const registry: Handler = async ctx => ctx.offline ? offline(`${ctx.method} ${ctx.path}`) : {}

const HANDLERS: Record<Action, Handler> = {
  'pass': pass,
  'registry': registry,
  'create-container': createContainer,
  'create-network': createNetwork,
  'create-volume': createVolume,
  'build': build,
  'pull-or-import': pullOrImport,
  'commit': commit,
  'load': load,
  'own-container': own(ctx => ctx.ownership.container(ctx.scope, ctx.params.id)),
  'own-exec': own(ctx => ctx.ownership.exec(ctx.scope, ctx.params.id)),
  'own-network': own(ctx => ctx.ownership.network(ctx.scope, ctx.params.id)),
  'own-volume': own(ctx => ctx.ownership.volume(ctx.scope, ctx.params.name)),
  'remove-image': removeImage,
  'exec-create': execCreate,
  'network-connect': networkConnect,
  'image-tag': imageTag,
  'image-push': imagePush,
  'prune': async ctx => ({ query: scopePruneQuery(ctx.query, ctx.scope.deckId) }),
  'prune-nothing': async () => ({ reply: { status: 200, body: { CachesDeleted: [], SpaceReclaimed: 0 } } }),
  // matchRequest never lets a deny row through; this is the belt to its braces.
  'deny': async ctx => denied(ctx.method, ctx.path, 'refused by the rules table'),
}

export function planFor(action: Action, ctx: ActionContext): Promise<Plan | Refusal> {
  return HANDLERS[action](ctx)
}
