/** The presenter's session: one-time login secrets, signed cookies, who counts as presenter. */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { cookieValue, createPresenterAuth, SESSION_COOKIE } from '../../demo-server/server/auth'

function req(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage
}

/** The `name=value` part of a Set-Cookie value. */
const pair = (setCookie: string) => setCookie.split(';')[0]

describe('presenter auth', () => {
  const key = randomBytes(32)

  it('trades each login secret once, and rotates it', () => {
    const auth = createPresenterAuth(key)
    const rotated: string[] = []
    auth.onRotate(secret => rotated.push(secret))
    const first = auth.loginSecret
    expect(auth.redeem('wrong')).toBeUndefined()
    expect(auth.loginSecret).toBe(first)
    const cookie = auth.redeem(first)!
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=v1\\.`))
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(auth.redeem(first)).toBeUndefined()
    expect(rotated).toEqual([auth.loginSecret])
    expect(auth.loginSecret).not.toBe(first)
  })

  it('accepts its own cookies, also after a restart with the same key, and nothing else', () => {
    const auth = createPresenterAuth(key)
    const cookie = pair(auth.redeem(auth.loginSecret)!)
    expect(auth.hasSession(req({ cookie }))).toBe(true)
    expect(createPresenterAuth(key).hasSession(req({ cookie: `theme=dark; ${cookie}` }))).toBe(true)
    expect(createPresenterAuth(randomBytes(32)).hasSession(req({ cookie }))).toBe(false)
    expect(auth.hasSession(req({ cookie: `${cookie}x` }))).toBe(false)
    expect(auth.hasSession(req({ cookie: cookie.replace(/\.(\d+)\./, '.1.') }))).toBe(false)
    // Two cookies of that name (one planted by a sibling): neither is trusted.
    expect(auth.hasSession(req({ cookie: `${cookie}; ${cookie}` }))).toBe(false)
    expect(auth.hasSession(req({}))).toBe(false)
  })

  it('lets a session expire after a week', () => {
    let now = 1_000_000
    const auth = createPresenterAuth(key, () => now)
    const cookie = pair(auth.redeem(auth.loginSecret)!)
    now += 6 * 24 * 3600
    expect(auth.hasSession(req({ cookie }))).toBe(true)
    now += 2 * 24 * 3600
    expect(auth.hasSession(req({ cookie }))).toBe(false)
  })

  it('counts a session cookie or the token as Bearer as a presenter', () => {
    const auth = createPresenterAuth(key)
    const cookie = pair(auth.redeem(auth.loginSecret)!)
    expect(auth.isPresenter(req({ cookie }))).toBe(true)
    expect(auth.isPresenter(req({ authorization: `Bearer ${auth.token}` }))).toBe(true)
    expect(auth.isPresenter(req({ authorization: `Bearer ${auth.token}x` }))).toBe(false)
    expect(auth.isPresenter(req({ authorization: auth.token }))).toBe(false)
    expect(auth.isPresenter(req({}))).toBe(false)
  })

  it('reads one cookie out of a header', () => {
    expect(cookieValue('a=1; b=2', 'b')).toBe('2')
    expect(cookieValue('a=1', 'b')).toBeUndefined()
    expect(cookieValue(undefined, 'b')).toBeUndefined()
    expect(cookieValue('ab=1', 'b')).toBeUndefined()
  })
})
