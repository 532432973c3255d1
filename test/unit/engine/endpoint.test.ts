import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { chooseApiVersion } from '../../../demo-server/engine/connection'
import { EndpointError, modemOptions, resolveEndpoint } from '../../../demo-server/engine/endpoint'

const sha = (name: string) => createHash('sha256').update(name).digest('hex')

function discovery(env: Record<string, string>, files: Record<string, string> = {}) {
  return { env, home: '/home/u', readFile: (file: string) => files[file] }
}

describe('engine discovery, in the docker CLI order', () => {
  it('an explicit host wins over DOCKER_HOST', () => {
    const r = resolveEndpoint('unix:///tmp/d.sock', discovery({ DOCKER_HOST: 'tcp://1.2.3.4:2375' }))
    expect(r.endpoint).toEqual({ kind: 'unix', socketPath: '/tmp/d.sock' })
  })

  it('DOCKER_HOST: unix, tcp, ssh', () => {
    expect(resolveEndpoint(undefined, discovery({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).endpoint).toEqual({ kind: 'unix', socketPath: '/run/user/1000/docker.sock' })
    expect(resolveEndpoint(undefined, discovery({ DOCKER_HOST: 'tcp://10.0.0.5:2375' }))).toMatchObject({ endpoint: { kind: 'tcp', host: '10.0.0.5', port: 2375, tls: undefined }, source: 'DOCKER_HOST' })
    expect(resolveEndpoint(undefined, discovery({ DOCKER_HOST: 'ssh://me@box:2222' })).endpoint).toEqual({ kind: 'ssh', host: 'box', port: 2222, username: 'me' })
  })

  it('DOCKER_TLS_VERIFY with DOCKER_CERT_PATH reads the certificates', () => {
    const r = resolveEndpoint(undefined, discovery({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, { '/certs/ca.pem': 'CA', '/certs/cert.pem': 'CERT', '/certs/key.pem': 'KEY' }))
    expect(r.endpoint).toEqual({ kind: 'tcp', host: 'h', port: 2376, tls: { ca: 'CA', cert: 'CERT', key: 'KEY', verify: true } })
    expect(modemOptions(r.endpoint)).toMatchObject({ protocol: 'https', host: 'h', port: 2376, socketPath: undefined })
  })

  it('the current context of ~/.docker/config.json, by the sha256 of its name', () => {
    const files = {
      '/home/u/.docker/config.json': JSON.stringify({ currentContext: 'colima' }),
      [`/home/u/.docker/contexts/meta/${sha('colima')}/meta.json`]: JSON.stringify({ Name: 'colima', Endpoints: { docker: { Host: 'unix:///home/u/.colima/default/docker.sock' } } }),
    }
    const r = resolveEndpoint(undefined, discovery({}, files))
    expect(r).toMatchObject({ endpoint: { kind: 'unix', socketPath: '/home/u/.colima/default/docker.sock' }, context: 'colima' })
  })

  it('DOCKER_CONTEXT overrides the config file; DOCKER_HOST overrides both', () => {
    const files = {
      '/home/u/.docker/config.json': JSON.stringify({ currentContext: 'colima' }),
      [`/home/u/.docker/contexts/meta/${sha('remote')}/meta.json`]: JSON.stringify({ Endpoints: { docker: { Host: 'ssh://ops@remote' } } }),
    }
    expect(resolveEndpoint(undefined, discovery({ DOCKER_CONTEXT: 'remote' }, files)).endpoint).toEqual({ kind: 'ssh', host: 'remote', port: 22, username: 'ops' })
    expect(resolveEndpoint(undefined, discovery({ DOCKER_CONTEXT: 'remote', DOCKER_HOST: 'unix:///x.sock' }, files)).endpoint).toEqual({ kind: 'unix', socketPath: '/x.sock' })
  })

  it('the default socket when nothing is configured, or the context is "default"', () => {
    expect(resolveEndpoint(undefined, discovery({})).endpoint).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock' })
    const files = { '/home/u/.docker/config.json': JSON.stringify({ currentContext: 'default' }) }
    expect(resolveEndpoint(undefined, discovery({}, files))).toMatchObject({ context: 'default', endpoint: { socketPath: '/var/run/docker.sock' } })
  })

  it('a context without its meta file is an error that says what to do', () => {
    const files = { '/home/u/.docker/config.json': JSON.stringify({ currentContext: 'gone' }) }
    expect(() => resolveEndpoint(undefined, discovery({}, files))).toThrow(EndpointError)
    expect(() => resolveEndpoint(undefined, discovery({}, files))).toThrow(/docker context use default/)
  })

  it('modem options pin the socket so that docker-modem does not read DOCKER_HOST over it', () => {
    expect(modemOptions({ kind: 'unix', socketPath: '/s' }, 'v1.41')).toMatchObject({ socketPath: '/s', host: undefined, version: 'v1.41' })
  })
})

describe('API version negotiation', () => {
  it('speaks 1.41 when the engine can, the engine\'s own when it is older, its minimum when newer', () => {
    expect(chooseApiVersion('1.41', '1.12')).toBe('1.41')
    expect(chooseApiVersion('1.45', '1.24')).toBe('1.41')
    expect(chooseApiVersion('1.40', '1.12')).toBe('1.40')
    expect(chooseApiVersion('1.51', '1.44')).toBe('1.44')
  })
})
