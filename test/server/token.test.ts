/**
 * The token goes only to the presenter's own browser: a same-origin request from loopback.
 * Everyone else gets 403 (and may still watch).
 */
import { request } from 'node:http'
import os from 'node:os'
import { describe, expect, it } from 'vitest'
import { TOKEN_PATH } from '../../demo-server/protocol'
import { fetchToken } from '../../demo-server/server/client'
import { fixtureServerPerFile, start } from './helpers'

const env = fixtureServerPerFile()

function get(host: string, port: number, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: TOKEN_PATH, method, headers }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the token endpoint', () => {
  it('gives the token to a same-origin request from loopback', async () => {
    const answer = await get('127.0.0.1', env.server.port, { 'Sec-Fetch-Site': 'same-origin', 'Origin': env.server.origin })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({ token: env.server.token })
    expect(await fetchToken(env.server.origin)).toBe(env.server.token)
  })

  it('refuses a cross-site request, a foreign Origin, a foreign Host and other methods', async () => {
    expect(await get('127.0.0.1', env.server.port, { 'Sec-Fetch-Site': 'cross-site' })).toMatchObject({ status: 403, body: expect.stringContaining('cross-site') })
    expect(await get('127.0.0.1', env.server.port, { 'Sec-Fetch-Site': 'same-site' })).toMatchObject({ status: 403 })
    expect(await get('127.0.0.1', env.server.port, { Origin: 'http://evil.example' })).toMatchObject({ status: 403 })
    expect(await get('127.0.0.1', env.server.port, { Host: `evil.example:${env.server.port}` })).toMatchObject({ status: 403 })
    expect((await get('127.0.0.1', env.server.port, {}, 'POST')).status).toBe(405)
    // ... and still answers the presenter afterwards.
    expect((await get('127.0.0.1', env.server.port)).status).toBe(200)
  })

  it('refuses a request that does not come from loopback', async (context) => {
    const address = Object.values(os.networkInterfaces()).flat().find(entry => entry && entry.family === 'IPv4' && !entry.internal)?.address
    if (!address) {
      context.skip()
      return
    }
    // Exposed deliberately (--host 0.0.0.0): the audience may connect and watch, not get the token.
    await using exposed = await start(env.box.deck, { engine: env.engine, host: '0.0.0.0' })
    const answer = await get(address, exposed.port, { 'Sec-Fetch-Site': 'same-origin', 'Origin': `http://${address}:${exposed.port}` })
    expect(answer).toMatchObject({ status: 403, body: expect.stringContaining('only given to a browser on this machine') })
    expect((await get('127.0.0.1', exposed.port)).status).toBe(200)
  })

  it('on every IPv6 interface, names an origin the server answers to', async (context) => {
    let exposed
    try {
      exposed = await start(env.box.deck, { engine: env.engine, host: '::' })
    }
    catch {
      context.skip() // no IPv6 here
      return
    }
    await using _ = exposed
    expect(await fetchToken(exposed.origin)).toBe(exposed.token)
  })
})
