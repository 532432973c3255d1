/**
 * Who is the presenter, after Jupyter's model: the server prints a URL with a one-time login
 * secret; the browser that opens it trades the secret for an HttpOnly, SameSite=Strict session
 * cookie, and every window of that browser (presenter, audience, overview) then fetches the
 * control token with it. Without the cookie the token endpoint answers 403: curl, another user
 * of the machine, a container on the host network, a page behind a Host-rewriting proxy.
 * Node clients on this machine read the token from the runtime file instead (runtime-file.ts).
 *
 * The cookie is signed with a key kept in the state directory (readable by this user alone), so
 * it outlives a restart of the dev server (Slidev's `r`, a config change) without a new login.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const SESSION_COOKIE = 'docker_demo_session'
const SESSION_PREFIX = 'v1'
/** A week: long enough for a rehearsal and the talk, short enough to not live on forever. */
const SESSION_MAX_AGE_S = 7 * 24 * 3600

export interface PresenterAuth {
  /** The per-launch secret control messages carry. */
  readonly token: string
  /** The current one-time login secret. */
  readonly loginSecret: string
  /** Trades the current login secret for a `Set-Cookie` header value, and rotates the secret
   *  (so a URL left in a terminal's scrollback or a browser's history is spent). Undefined
   *  when the secret is wrong or already used. */
  redeem: (secret: string) => string | undefined
  /** The request carries a valid session cookie. */
  hasSession: (req: IncomingMessage) => boolean
  /** A session cookie, or `Authorization: Bearer <token>` (the Node client): a connection that
   *  may control, and so gets the capacity kept for presenters. */
  isPresenter: (req: IncomingMessage) => boolean
  /** Called with the new secret after each rotation (the runtime file is rewritten). */
  onRotate: (listener: (secret: string) => void) => () => void
}

/**
 * @param sessionKey the cookie signing key (state-dir.ts keeps it across launches).
 * @param now seconds since the epoch (tests move time).
 */
export function createPresenterAuth(sessionKey: Buffer, now: () => number = () => Math.floor(Date.now() / 1000)): PresenterAuth {
  const token = randomSecret()
  let loginSecret = randomSecret()
  const listeners = new Set<(secret: string) => void>()
  const sign = (payload: string) => createHmac('sha256', sessionKey).update(payload).digest('base64url')

  const hasSession = (req: IncomingMessage): boolean => {
    const value = cookieValue(req.headers.cookie, SESSION_COOKIE)
    const parts = value?.split('.')
    if (parts?.length !== 4 || parts[0] !== SESSION_PREFIX)
      return false
    const [, id, issued, mac] = parts
    const issuedAt = Number(issued)
    if (!/^\d+$/.test(issued) || now() - issuedAt > SESSION_MAX_AGE_S || issuedAt > now() + 60)
      return false
    return safeEqual(mac, sign(`${SESSION_PREFIX}.${id}.${issued}`))
  }

  return {
    token,
    get loginSecret() {
      return loginSecret
    },
    redeem(secret) {
      if (!safeEqual(secret, loginSecret))
        return undefined
      loginSecret = randomSecret()
      for (const listener of listeners)
        listener(loginSecret)
      const payload = `${SESSION_PREFIX}.${randomSecret(16)}.${now()}`
      return `${SESSION_COOKIE}=${payload}.${sign(payload)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}`
    },
    hasSession,
    isPresenter: req => hasSession(req) || bearerMatches(req.headers.authorization, token),
    onRotate(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

/** Compares in constant time for equal lengths (lengths are not secret: all are fixed). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = header?.match(/^Bearer (\S+)$/)
  return match !== null && match !== undefined && safeEqual(match[1], token)
}

/** One cookie's value from a `Cookie` header; undefined when absent or given twice (a second
 *  cookie of the same name may have been planted for another path or by a sibling host). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header)
    return undefined
  const values = header.split(';').map(part => part.trim()).filter(part => part.startsWith(`${name}=`)).map(part => part.slice(name.length + 1))
  return values.length === 1 ? values[0] : undefined
}
