/**
 * The guard's decisions over header combinations: what a foreign page, a DNS-rebound name, a
 * tunnel, another machine and the deck's own page each send.
 */
import type { HostSets, RequestFacts } from '../../../demo-server/server/dev-server-guard'
import { describe, expect, it } from 'vitest'
import { decideUpgrade, isWrite, refuseWrite } from '../../../demo-server/server/dev-server-guard'

const HOSTS: HostSets = {
  allowed: new Set(['localhost:3030', '127.0.0.1:3030', '[::1]:3030', 'deck.example.net']),
  tunnel: new Set(['deck.example.net']),
}

/** What Chromium sends for a same-origin fetch POST from the deck at http://localhost:3030. */
function ownPost(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    method: 'POST',
    path: '/__slidev/slides/1.json',
    remoteAddress: '127.0.0.1',
    host: 'localhost:3030',
    origin: 'http://localhost:3030',
    secFetchSite: 'same-origin',
    referer: 'http://localhost:3030/1',
    presenter: true,
    ...overrides,
  }
}

describe('isWrite', () => {
  it.each([
    ['POST', '/__slidev/slides/1.json', true],
    ['PUT', '/anything', true],
    ['DELETE', '/', true],
    ['OPTIONS', '/__mcp', true],
    ['GET', '/__mcp', true],
    ['GET', '/__open-in-editor', true],
    ['HEAD', '/__open-in-editor', true],
    ['GET', '/__slidev/slides/1.json', false],
    ['GET', '/@vite/client', false],
    ['head', '/', false],
    ['GET', '/__open-in-editorx', false],
    // Vite's router matches any case and a `.suffix`: so must the guard.
    ['GET', '/__OPEN-IN-EDITOR', true],
    ['GET', '/__Open-In-Editor', true],
    ['GET', '/__open-in-editor.x', true],
    ['GET', '/__open-in-editor.json', true],
    ['GET', '/__MCP', true],
    ['GET', '/__mcp.x', true],
  ])('%s %s: %s', (method, path, expected) => {
    expect(isWrite(method, path)).toBe(expected)
  })
})

describe('refuseWrite', () => {
  it('allows the deck\'s own page on this machine, by every loopback name and address', () => {
    expect(refuseWrite(ownPost(), HOSTS)).toBeUndefined()
    expect(refuseWrite(ownPost({ host: '127.0.0.1:3030', origin: 'http://127.0.0.1:3030', remoteAddress: '::ffff:127.0.0.1' }), HOSTS)).toBeUndefined()
    expect(refuseWrite(ownPost({ host: '[::1]:3030', origin: 'http://[::1]:3030', remoteAddress: '::1' }), HOSTS)).toBeUndefined()
    expect(refuseWrite(ownPost({ host: 'LOCALHOST:3030' }), HOSTS)).toBeUndefined()
  })

  it('allows a program on this machine that sends no browser headers only with the presenter\'s token', () => {
    const program = { path: '/__mcp', origin: undefined, secFetchSite: undefined, referer: undefined }
    expect(refuseWrite(ownPost(program), HOSTS)).toBeUndefined()
    // curl by another user, a container on the host network: loopback, but no credentials.
    expect(refuseWrite(ownPost({ ...program, presenter: false }), HOSTS)?.kind).toBe('not-presenter')
  })

  it('refuses the deck\'s own page in a browser that has not signed in as the presenter', () => {
    const refusal = refuseWrite(ownPost({ presenter: false }), HOSTS)
    expect(refusal?.kind).toBe('not-presenter')
    expect(refusal?.reason).toContain('npm run demo -- login')
    // Its navigation sync, which every watching window sends, is refused in words that say so.
    const navigation = refuseWrite(ownPost({ presenter: false, path: '/@server-reactive/nav' }), HOSTS)
    expect(navigation?.kind).toBe('viewer-navigation')
    expect(navigation?.reason).toMatch(/^a window that has not signed in tried to move every window to its slide/)
  })

  it('refuses a foreign Origin, also on another localhost port, and the opaque "null"', () => {
    for (const origin of ['http://127.0.0.2:3030', 'http://localhost:4040', 'null', 'https://evil.example', 'file://', 'chrome-extension://abc']) {
      const refusal = refuseWrite(ownPost({ origin, secFetchSite: undefined }), HOSTS)
      expect(refusal?.kind, origin).toBe('foreign-origin')
      expect(refusal?.reason).toContain(`"${origin}"`)
    }
  })

  it('refuses a no-cors POST from another site by Sec-Fetch-Site, whatever its Origin says', () => {
    for (const site of ['cross-site', 'same-site', 'none']) {
      const refusal = refuseWrite(ownPost({ secFetchSite: site }), HOSTS)
      expect(refusal?.kind, site).toBe('cross-site')
      expect(refusal?.reason).toContain(`"${site}"`)
    }
  })

  it('falls back to the Referer when neither Origin nor Sec-Fetch-Site is sent', () => {
    expect(refuseWrite(ownPost({ origin: undefined, secFetchSite: undefined, referer: 'http://localhost:4040/attack' }), HOSTS)?.kind).toBe('foreign-origin')
    expect(refuseWrite(ownPost({ origin: undefined, secFetchSite: undefined, referer: 'http://localhost:3030/2' }), HOSTS)).toBeUndefined()
  })

  it('refuses another machine even from the deck\'s own origin (it may only watch)', () => {
    const refusal = refuseWrite(ownPost({ remoteAddress: '192.168.1.20', host: '192.168.1.10:3030', origin: 'http://192.168.1.10:3030' }), HOSTS)
    expect(refusal?.kind).toBe('remote-address')
    expect(refusal?.reason).toBe('POST /__slidev/slides/1.json acts on the deck (its files, its windows or this machine), and only the presenter\'s machine may do that (this request came from 192.168.1.20); other machines may watch')
    expect(refuseWrite(ownPost({ remoteAddress: undefined }), HOSTS)?.kind).toBe('remote-address')
  })

  it('refuses a DNS-rebound name even when Origin matches it', () => {
    const refusal = refuseWrite(ownPost({ host: 'rebind.example:3030', origin: 'http://rebind.example:3030' }), HOSTS)
    expect(refusal?.kind).toBe('foreign-host')
    expect(refusal?.reason).toContain('"rebind.example:3030"')
    expect(refuseWrite(ownPost({ host: undefined }), HOSTS)?.kind).toBe('foreign-host')
  })

  it('refuses writes through a tunnel\'s name: they arrive on loopback from whoever is at its end', () => {
    expect(refuseWrite(ownPost({ host: 'deck.example.net', origin: 'https://deck.example.net' }), HOSTS)?.kind).toBe('tunnel-host')
  })
})

describe('decideUpgrade', () => {
  const hmr = (overrides: Partial<RequestFacts> = {}, protocol = 'vite-hmr') => ({
    ...ownPost({ method: 'GET', path: '/', secFetchSite: undefined, referer: undefined }),
    ...overrides,
    protocol,
  })

  it('lets the deck\'s own page open the HMR socket with full rights', () => {
    expect(decideUpgrade(hmr(), HOSTS, '/__docker-demo')).toEqual({ readOnly: false })
  })

  it('lets a window that has not signed in open the HMR socket to watch only', () => {
    expect(decideUpgrade(hmr({ presenter: false }), HOSTS, '/__docker-demo')).toEqual({ readOnly: true })
  })

  it('lets another machine open the HMR and demo sockets to watch only', () => {
    const lan = { remoteAddress: '192.168.1.20', host: '127.0.0.1:3030', origin: 'http://127.0.0.1:3030' }
    expect(decideUpgrade(hmr(lan), HOSTS, '/__docker-demo')).toEqual({ readOnly: true })
    expect(decideUpgrade(hmr({ ...lan, path: '/__docker-demo' }, ''), HOSTS, '/__docker-demo')).toEqual({ readOnly: true })
    expect(decideUpgrade(hmr({ host: 'deck.example.net', origin: 'https://deck.example.net' }), HOSTS, '/__docker-demo')).toEqual({ readOnly: true })
  })

  it('refuses a foreign page\'s socket, also with a stolen HMR token', () => {
    expect(decideUpgrade(hmr({ origin: 'http://localhost:4040' }), HOSTS, '/__docker-demo')).toMatchObject({ refusal: { kind: 'foreign-origin' } })
    expect(decideUpgrade(hmr({ origin: 'null' }), HOSTS, '/__docker-demo')).toMatchObject({ refusal: { kind: 'foreign-origin' } })
    expect(decideUpgrade(hmr({ secFetchSite: 'cross-site' }), HOSTS, '/__docker-demo')).toMatchObject({ refusal: { kind: 'cross-site' } })
    expect(decideUpgrade(hmr({ host: 'rebind.example:3030', origin: 'http://rebind.example:3030' }), HOSTS, '/__docker-demo')).toMatchObject({ refusal: { kind: 'foreign-host' } })
  })

  it('keeps any other socket (an inspector\'s RPC) to this machine', () => {
    const inspector = { path: '/__unocss/__ws' }
    expect(decideUpgrade(hmr(inspector, ''), HOSTS, '/__docker-demo')).toEqual({ readOnly: false })
    expect(decideUpgrade(hmr({ ...inspector, remoteAddress: '192.168.1.20' }, ''), HOSTS, '/__docker-demo')).toMatchObject({ refusal: { kind: 'remote-address' } })
  })
})
