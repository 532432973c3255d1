/**
 * The token goes only to a browser that traded the one-time login secret for the presenter's
 * session cookie, and to this user's CLI through the runtime file. A plain local process (curl),
 * a container on the host network and a Host-rewriting reverse proxy get 403.
 */
import { execFile } from 'node:child_process'
import { statSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { LOGIN_PATH, TOKEN_PATH } from '../../demo-server/protocol'
import { SESSION_COOKIE } from '../../demo-server/server/auth'
import { serverAt } from '../../demo-server/server/state-dir'
import { fixtureServerPerFile, start } from './helpers'

const env = fixtureServerPerFile()

interface Answer { status: number, body: string, headers: Record<string, string | string[] | undefined> }

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', host = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, headers }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Logs in as a browser would: the secret for a cookie, `name=value` ready for a Cookie header. */
async function signIn(port: number, secret: string): Promise<string> {
  const answer = await get(port, `${LOGIN_PATH}?secret=${encodeURIComponent(secret)}&next=/presenter/2`)
  expect(answer.status).toBe(303)
  expect(answer.headers.location).toBe('/presenter/2')
  const cookie = String(answer.headers['set-cookie'])
  expect(cookie).toMatch(/HttpOnly/)
  expect(cookie).toMatch(/SameSite=Strict/)
  expect(cookie).toMatch(/Path=\//)
  return cookie.split(';')[0]
}

describe('the presenter\'s login and the token', () => {
  it('refuses the token to a local process without the session cookie (curl)', async () => {
    const { stdout } = await promisify(execFile)('curl', ['-s', '-w', '\n%{http_code}', `${env.server.origin}${TOKEN_PATH}`])
    expect(stdout.trim().split('\n').at(-1)).toBe('403')
    expect(stdout).toContain('not signed in')
    expect(stdout).not.toContain(env.server.token)
    // Even when it claims to be a same-origin browser.
    expect((await get(env.server.port, TOKEN_PATH, { 'Sec-Fetch-Site': 'same-origin', 'Origin': env.server.origin })).status).toBe(403)
  })

  it('trades the one-time secret for an HttpOnly SameSite=Strict cookie that gets the token', async () => {
    const { demo } = env.server
    const secret = demo.auth.loginSecret
    const cookie = await signIn(env.server.port, secret)
    const answer = await get(env.server.port, TOKEN_PATH, { 'Cookie': cookie, 'Sec-Fetch-Site': 'same-origin' })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({ token: env.server.token })
    expect(answer.headers['cache-control']).toBe('no-store')
    expect(answer.headers['content-security-policy']).toContain('frame-ancestors \'none\'')

    // The secret is spent: a second use (a URL in a history or scrollback) gets nothing.
    expect(demo.auth.loginSecret).not.toBe(secret)
    const again = await get(env.server.port, `${LOGIN_PATH}?secret=${encodeURIComponent(secret)}`)
    expect(again.status).toBe(403)
    expect(again.body).toContain('npm run demo -- login')
    expect(again.headers['set-cookie']).toBeUndefined()

    // The cookie alone is not enough across sites, from a foreign Origin or by a foreign Host.
    expect((await get(env.server.port, TOKEN_PATH, { 'Cookie': cookie, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403)
    expect((await get(env.server.port, TOKEN_PATH, { Cookie: cookie, Origin: 'http://127.0.0.2:9' })).status).toBe(403)
    expect((await get(env.server.port, TOKEN_PATH, { Cookie: cookie, Host: `evil.example:${env.server.port}` })).status).toBe(403)
    // A forged or tampered cookie is refused.
    const [name, value] = cookie.split('=')
    expect((await get(env.server.port, TOKEN_PATH, { Cookie: `${name}=${value.slice(0, -2)}xx` })).status).toBe(403)
    expect((await get(env.server.port, TOKEN_PATH, { Cookie: `${SESSION_COOKIE}=v1.a.1.b` })).status).toBe(403)
    expect((await get(env.server.port, TOKEN_PATH, { Cookie: cookie }, 'POST')).status).toBe(405)
  })

  it('refuses a wrong secret, and a login by a DNS-rebound host name', async () => {
    expect((await get(env.server.port, `${LOGIN_PATH}?secret=guess`)).status).toBe(403)
    expect((await get(env.server.port, LOGIN_PATH)).status).toBe(403)
    const rebound = await get(env.server.port, `${LOGIN_PATH}?secret=${env.server.demo.auth.loginSecret}`, { Host: `attacker.example:${env.server.port}` })
    expect(rebound.status).toBe(403)
    expect(rebound.headers['set-cookie']).toBeUndefined()
  })

  it('redirects only to a path on the deck\'s own origin', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example'])
      expect((await get(env.server.port, `${LOGIN_PATH}?secret=${env.server.demo.auth.loginSecret}&next=${encodeURIComponent(next)}`)).headers.location).toBe('/')
  })

  it('gives no token through a reverse proxy that rewrites Host', async () => {
    // nginx's default `proxy_set_header Host $proxy_host`: the demo server sees its own name.
    const proxy = createServer((req, res) => {
      const forward = request({ host: '127.0.0.1', port: env.server.port, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${env.server.port}` } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      req.pipe(forward)
    })
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
    try {
      const port = (proxy.address() as AddressInfo).port
      const answer = await get(port, TOKEN_PATH, { 'Origin': `http://127.0.0.1:${env.server.port}`, 'Sec-Fetch-Site': 'same-origin' })
      expect(answer.status).toBe(403)
      expect(answer.body).not.toContain(env.server.token)
    }
    finally {
      proxy.closeAllConnections()
      await new Promise(resolve => proxy.close(resolve))
    }
  })

  it('gives no token to a container on the host network', async () => {
    const { stdout } = await promisify(execFile)('docker', ['run', '--rm', '--network', 'host', 'alpine', 'sh', '-c', `wget -S -O- http://127.0.0.1:${env.server.port}${TOKEN_PATH} 2>&1; true`], { timeout: 30_000 })
    expect(stdout).toContain('403')
    expect(stdout).not.toContain(env.server.token)
  })

  it('leaves the token for this user\'s CLI in a runtime file only this user can read, and removes it on close', async () => {
    await using published = await start(env.box.deck, { engine: env.engine, publish: true })
    const file = published.runtimeFile!
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const info = serverAt(published.origin)!
    expect(info).toMatchObject({ token: published.token, url: published.url, pid: process.pid })
    // A spent login secret is replaced in the file too.
    const before = info.loginUrl
    await signIn(published.port, new URL(before).searchParams.get('secret')!)
    expect(serverAt(published.origin)!.loginUrl).not.toBe(before)
    await published.close()
    expect(serverAt(published.origin)).toBeUndefined()
  })
})
