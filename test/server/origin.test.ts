/** The same-origin rules, as pure functions over request headers. */
import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { createOriginPolicy, isLoopback, refuseTokenRequest, refuseUpgrade } from '../../demo-server/server/origin'

function req(headers: Record<string, string>, remoteAddress = '127.0.0.1'): IncomingMessage {
  return { headers, socket: { remoteAddress } } as unknown as IncomingMessage
}

const loopback = createOriginPolicy(() => ({ address: '127.0.0.1', family: 'IPv4', port: 3030 }))

describe('origin policy', () => {
  it('accepts the deck\'s own origin under each loopback name', () => {
    for (const host of ['localhost:3030', '127.0.0.1:3030', '[::1]:3030'])
      expect(refuseUpgrade(req({ host, origin: `http://${host}` }), loopback)).toBeUndefined()
  })

  it('refuses other origins, other ports, rebound names and a missing Origin', () => {
    expect(refuseUpgrade(req({ host: 'localhost:3030', origin: 'http://evil.example' }), loopback)).toContain('not the deck\'s own origin')
    expect(refuseUpgrade(req({ host: 'localhost:3030', origin: 'http://localhost:3031' }), loopback)).toBeDefined()
    expect(refuseUpgrade(req({ host: 'localhost:3030', origin: 'http://127.0.0.1:3030' }), loopback)).toBeDefined()
    expect(refuseUpgrade(req({ host: 'evil.example:3030', origin: 'http://evil.example:3030' }), loopback)).toContain('not an address this demo server listens on')
    expect(refuseUpgrade(req({ host: 'localhost:3030' }), loopback)).toContain('no Origin')
    expect(refuseUpgrade(req({ host: 'localhost:3030', origin: 'null' }), loopback)).toBeDefined()
  })

  it('accepts a tunnel named deliberately, on its default https port', () => {
    const tunnel = createOriginPolicy(() => ({ address: '127.0.0.1', family: 'IPv4', port: 3030 }), ['deck.example.net'])
    expect(refuseUpgrade(req({ host: 'deck.example.net', origin: 'https://deck.example.net' }), tunnel)).toBeUndefined()
    expect(refuseUpgrade(req({ host: 'deck.example.net', origin: 'http://deck.example.net:8443' }), tunnel)).toBeDefined()
  })

  it('when listening on every interface, accepts their addresses', () => {
    const everywhere = createOriginPolicy(() => ({ address: '0.0.0.0', family: 'IPv4', port: 3030 }))
    expect(everywhere.allowedHosts().has('127.0.0.1:3030')).toBe(true)
    expect([...everywhere.allowedHosts()].length).toBeGreaterThan(3)
  })

  it('gives the token only to a same-origin request that holds the presenter\'s session', () => {
    const host = 'localhost:3030'
    expect(refuseTokenRequest(req({ host, 'sec-fetch-site': 'same-origin' }), loopback, true)).toBeUndefined()
    expect(refuseTokenRequest(req({ host }), loopback, true)).toBeUndefined()
    expect(refuseTokenRequest(req({ host, 'sec-fetch-site': 'cross-site' }), loopback, true)).toContain('cross-site')
    expect(refuseTokenRequest(req({ host, 'sec-fetch-site': 'same-site' }), loopback, true)).toBeDefined()
    expect(refuseTokenRequest(req({ host, 'sec-fetch-site': 'none' }), loopback, true)).toBeDefined()
    expect(refuseTokenRequest(req({ host, origin: 'http://evil.example' }), loopback, true)).toBeDefined()
    expect(refuseTokenRequest(req({ host: 'evil.example:3030' }), loopback, true)).toContain('not an address')
    expect(refuseTokenRequest(req({ host, referer: 'http://127.0.0.2:9/attack' }), loopback, true)).toContain('not from the deck')
    expect(refuseTokenRequest(req({ host, referer: 'http://localhost:3030/2' }), loopback, true)).toBeUndefined()
    // Loopback proves nothing: any local process, a host-network container, a proxy.
    expect(refuseTokenRequest(req({ host, 'sec-fetch-site': 'same-origin' }), loopback, false)).toContain('not signed in')
    // A co-presenter on another machine holds a session of their own.
    expect(refuseTokenRequest(req({ host }, '192.168.1.20'), loopback, true)).toBeUndefined()
  })

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true)
    expect(['10.0.0.1', '::ffff:10.0.0.1', '', undefined].some(isLoopback)).toBe(false)
  })
})
