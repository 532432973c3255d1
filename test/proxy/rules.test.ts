/** The pure core: the rules table and the request rewrites, without an engine. */
import { describe, expect, it } from 'vitest'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import {
  isLoopbackRegistry,
  labelBuildQuery,
  labelContainerCreate,
  labelImportQuery,
  loadedImagesOf,
  namedVolumesOf,
  networksOf,
  referenceOf,
  scopePruneQuery,
  withLabels,
} from '../../demo-server/proxy/rewrite'
import { RULES, formatRules, matchRequest } from '../../demo-server/proxy/rules'

const LABELS = { [DECK_LABEL]: 'deck1', 'org.docker-demo.demo': 'd', 'org.docker-demo.run': 'r' }

function kindOf(method: string, url: string): string {
  const match = matchRequest(method, url)
  return match.allowed ? `${match.rule.kind}:${match.rule.action}` : 'deny'
}

describe('the rules table', () => {
  it('classifies the Engine API as the brief asks, with or without a version prefix', () => {
    const expected: Array<[string, string, string]> = [
      ['HEAD', '/_ping', 'read:pass'],
      ['GET', '/v1.41/containers/json?all=1', 'read:pass'],
      ['GET', '/v1.41/containers/abc/logs?follow=1', 'read:pass'],
      ['GET', '/v1.41/events', 'read:pass'],
      ['GET', '/v1.41/system/df', 'read:pass'],
      ['GET', '/v1.41/images/127.0.0.1:5000/library/alpine:latest/json', 'read:pass'],
      ['POST', '/v1.41/containers/create?name=x', 'create:create-container'],
      ['POST', '/v1.41/networks/create', 'create:create-network'],
      ['POST', '/v1.41/volumes/create', 'create:create-volume'],
      ['POST', '/v1.41/build?t=x', 'create:build'],
      ['POST', '/v1.41/images/create?fromImage=alpine', 'create:pull-or-import'],
      ['POST', '/v1.41/commit?container=x', 'create:commit'],
      ['POST', '/v1.41/images/load', 'create:load'],
      ['POST', '/v1.41/containers/abc/start', 'scoped-write:own-container'],
      ['POST', '/v1.41/containers/abc/wait?condition=next-exit', 'scoped-write:own-container'],
      ['PUT', '/v1.41/containers/abc/archive?path=/', 'scoped-write:own-container'],
      ['DELETE', '/v1.41/containers/abc?force=1', 'scoped-write:own-container'],
      ['POST', '/v1.41/containers/abc/exec', 'scoped-write:exec-create'],
      ['POST', '/v1.41/exec/abc/start', 'scoped-write:own-exec'],
      ['POST', '/v1.41/networks/n/connect', 'scoped-write:network-connect'],
      ['DELETE', '/v1.41/networks/n', 'scoped-write:own-network'],
      ['DELETE', '/v1.41/volumes/v', 'scoped-write:own-volume'],
      ['DELETE', '/v1.41/images/repo/app:1', 'scoped-write:remove-image'],
      ['POST', '/v1.41/images/repo/app:1/tag?repo=x', 'scoped-write:image-tag'],
      ['POST', '/v1.41/images/repo/app:1/push', 'scoped-write:image-push'],
      ['POST', '/v1.41/containers/prune', 'prune:prune'],
      ['POST', '/v1.41/volumes/prune', 'prune:prune'],
      ['POST', '/v1.41/networks/prune', 'prune:prune'],
      ['POST', '/v1.41/images/prune', 'prune:prune'],
      ['POST', '/v1.41/build/prune', 'prune:prune-nothing'],
      ['POST', '/v1.41/swarm/init', 'deny'],
      ['POST', '/v1.41/plugins/pull?remote=x', 'deny'],
      ['POST', '/v1.41/secrets/create', 'deny'],
      ['POST', '/v1.41/services/create', 'deny'],
      ['GET', '/v1.41/swarm/unlockkey', 'deny'],
      ['GET', '/v1.41/plugins/some/plugin:latest/json', 'read:pass'],
      ['GET', '/v1.41/secrets/abc', 'read:pass'],
      ['POST', '/grpc', 'deny'],
      ['PUT', '/v1.41/volumes/v', 'deny'],
      ['POST', '/v1.41/something/new', 'deny'],
      ['POST', '/v1.41/containers/json', 'deny'],
    ]
    expect(expected.map(([method, url]) => [method, url, kindOf(method, url)])).toEqual(expected)
  })

  it('decodes path parameters and keeps the query', () => {
    const match = matchRequest('DELETE', '/v1.41/images/127.0.0.1:5000/library/alpine:latest?force=1')
    expect(match.allowed && match.params).toEqual({ name: '127.0.0.1:5000/library/alpine:latest' })
    expect(match.allowed && match.query.get('force')).toBe('1')
  })

  it('marks exactly attach, attach/ws, exec start and BuildKit\'s session as hijacked streams', () => {
    expect(RULES.filter(row => row[4] === 'hijack').map(row => `${row[0]} ${row[1]}`)).toEqual([
      'POST /containers/{id}/attach',
      'GET /containers/{id}/attach/ws',
      'POST /exec/{id}/start',
      'POST /session',
    ])
  })

  it('gives every refusal a one-line reason, and an unknown call the file to read', () => {
    const swarm = matchRequest('POST', '/v1.41/swarm/init')
    expect(swarm.allowed ? '' : swarm.reason).toBe('swarm mode turns this engine into a cluster manager; the demo server leaves engine-wide state alone')
    const unknown = matchRequest('POST', '/v1.41/foo')
    expect(unknown.allowed ? '' : unknown.reason).toContain('demo-server/proxy/rules.ts')
    for (const line of formatRules().split('\n'))
      expect(line).not.toContain('\n')
  })

  it('lets no write through as a read: every GET/HEAD row is read or deny, every read a GET/HEAD', () => {
    for (const [method, path] of RULES) {
      const match = matchRequest(method === '*' ? 'POST' : method, path.replace(/\{\w+\*?\}/g, 'x').replace('/**', '/x'))
      if (match.allowed && match.rule.kind === 'read' && match.rule.action === 'pass')
        expect([method, path]).toSatisfy(([m, p]: string[]) => m === 'GET' || m === 'HEAD' || p === '/session')
    }
  })
})

describe('rewrites', () => {
  it('our labels win over the client\'s: a deck label cannot be forged', () => {
    expect(withLabels({ Labels: { [DECK_LABEL]: 'other', keep: 'me' } }, LABELS).Labels).toEqual({ ...LABELS, keep: 'me' })
  })

  it('finds the named volumes that -v and --mount would create implicitly, not host paths', () => {
    const body = {
      HostConfig: {
        Binds: ['data:/data', '/host:/h', 'conf:/etc/x:ro', './rel:/r'],
        Mounts: [{ Type: 'volume', Source: 'cache', Target: '/c', VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'tmpfs' } } } }, { Type: 'volume', Target: '/anon' }, { Type: 'bind', Source: '/x', Target: '/y' }],
      },
    }
    expect(namedVolumesOf(body)).toEqual([
      { name: 'data' },
      { name: 'conf' },
      { name: 'cache', driver: 'local', driverOpts: { type: 'tmpfs' } },
    ])
  })

  it('labels anonymous volumes: --mount without source, -v /path, and the image\'s VOLUMEs not otherwise mounted', () => {
    const body = {
      Image: 'x',
      Volumes: { '/v': {} },
      HostConfig: { Binds: ['data:/data'], Mounts: [{ Type: 'volume', Target: '/anon' }], Tmpfs: { '/t': '' } },
    }
    const out = labelContainerCreate(body, LABELS, ['/data', '/img', '/t', '/v/'])
    expect(out.Labels).toEqual(LABELS)
    expect((out.HostConfig as { Mounts: unknown[] }).Mounts).toEqual([
      { Type: 'volume', Target: '/anon', VolumeOptions: { Labels: LABELS } },
      { Type: 'volume', Target: '/v', VolumeOptions: { Labels: LABELS } },
      { Type: 'volume', Target: '/img', VolumeOptions: { Labels: LABELS } },
    ])
  })

  it('leaves anonymous volumes alone with --volumes-from, whose mounts a new one would replace', () => {
    const out = labelContainerCreate({ Volumes: { '/v': {} }, HostConfig: { VolumesFrom: ['other:ro'] } }, LABELS, ['/img'])
    expect((out.HostConfig as { Mounts?: unknown }).Mounts).toBeUndefined()
  })

  it('lists the user-defined networks a container joins', () => {
    expect(networksOf({ HostConfig: { NetworkMode: 'mynet' }, NetworkingConfig: { EndpointsConfig: { mynet: {}, other: {} } } })).toEqual(['mynet', 'other'])
    expect(networksOf({ HostConfig: { NetworkMode: 'container:abc' } })).toEqual([])
    expect(networksOf({ HostConfig: { NetworkMode: 'default' } })).toEqual([])
  })

  it('adds the deck label filter to prunes, so the client\'s filters only narrow', () => {
    const map = scopePruneQuery(new URLSearchParams({ filters: JSON.stringify({ label: { 'a=b': true }, until: { '1h': true } }) }), 'deck1')
    expect(JSON.parse(map.get('filters')!)).toEqual({ label: { 'a=b': true, [`${DECK_LABEL}=deck1`]: true }, until: { '1h': true } })
    const legacy = scopePruneQuery(new URLSearchParams({ filters: JSON.stringify({ label: ['a=b'] }) }), 'deck1')
    expect(JSON.parse(legacy.get('filters')!)).toEqual({ label: { 'a=b': true, [`${DECK_LABEL}=deck1`]: true } })
    const none = scopePruneQuery(new URLSearchParams(), 'deck1')
    expect(JSON.parse(none.get('filters')!)).toEqual({ label: { [`${DECK_LABEL}=deck1`]: true } })
    const garbage = scopePruneQuery(new URLSearchParams({ filters: '{not json' }), 'deck1')
    expect(JSON.parse(garbage.get('filters')!)).toEqual({ label: { [`${DECK_LABEL}=deck1`]: true } })
  })

  it('merges labels into the build\'s labels parameter and LABEL changes into an import', () => {
    const build = labelBuildQuery(new URLSearchParams({ t: 'x', labels: JSON.stringify({ mine: '1' }) }), LABELS)
    expect(JSON.parse(build.get('labels')!)).toEqual({ mine: '1', ...LABELS })
    expect(labelImportQuery(new URLSearchParams({ fromSrc: '-' }), { [DECK_LABEL]: 'deck1' }).getAll('changes')).toEqual([`LABEL "${DECK_LABEL}"="deck1"`])
  })

  it('reads image references, loopback registries and docker load\'s answer', () => {
    expect(referenceOf('alpine')).toBe('alpine:latest')
    expect(referenceOf('127.0.0.1:5000/app')).toBe('127.0.0.1:5000/app:latest')
    expect(referenceOf('127.0.0.1:5000/app:2')).toBe('127.0.0.1:5000/app:2')
    expect(referenceOf('app', '3')).toBe('app:3')
    expect(isLoopbackRegistry('127.0.0.1:5000/library/alpine:latest')).toBe(true)
    expect(isLoopbackRegistry('localhost:5000/x')).toBe(true)
    expect(isLoopbackRegistry('alpine:latest')).toBe(false)
    expect(isLoopbackRegistry('registry.example.com/x')).toBe(false)
    expect(loadedImagesOf('{"stream":"Loaded image: app:1\\n"}\n{"stream":"Loaded image ID: sha256:abc\\n"}')).toEqual(['app:1', 'sha256:abc'])
  })
})
