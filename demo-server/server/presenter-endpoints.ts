/**
 * The two HTTP endpoints of the demo server: LOGIN_PATH trades the one-time secret for the
 * presenter's session cookie; TOKEN_PATH gives the control token to a page that holds it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { LOGIN_PATH, TOKEN_PATH } from '../protocol.ts'
import type { PresenterAuth } from './auth.ts'
import type { OriginPolicy } from './origin.ts'
import { pathOf, refuseLoginRequest, refuseTokenRequest } from './origin.ts'

/** Answers LOGIN_PATH and TOKEN_PATH; returns false, touching nothing, for any other request. */
export function handlePresenterRequest(req: IncomingMessage, res: ServerResponse, auth: PresenterAuth, policy: OriginPolicy): boolean {
  const route = pathOf(req.url)
  if (route !== TOKEN_PATH && route !== LOGIN_PATH)
    return false
  // Secrets: never cached, never framed, never sent on as a Referer.
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('Content-Security-Policy', 'frame-ancestors \'none\'')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Referrer-Policy', 'no-referrer')
  if (req.method !== 'GET') {
    plain(res, 405, 'Use GET.', { Allow: 'GET' })
    return true
  }
  if (route === LOGIN_PATH)
    login(req, res, auth, policy)
  else
    token(req, res, auth, policy)
  return true
}

function login(req: IncomingMessage, res: ServerResponse, auth: PresenterAuth, policy: OriginPolicy): void {
  const refusal = refuseLoginRequest(req, policy)
  if (refusal) {
    plain(res, 403, `Forbidden: ${refusal}`)
    return
  }
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams
  const cookie = auth.redeem(query.get('secret') ?? '')
  if (!cookie) {
    plain(res, 403, 'This login link is spent or from an earlier start of the deck. For a fresh one, run on the presenter\'s machine: npm run demo -- login')
    return
  }
  res.writeHead(303, { 'Set-Cookie': cookie, 'Location': safeNext(query.get('next')) }).end()
}

function token(req: IncomingMessage, res: ServerResponse, auth: PresenterAuth, policy: OriginPolicy): void {
  const refusal = refuseTokenRequest(req, policy, auth.hasSession(req))
  if (refusal) {
    plain(res, 403, `Forbidden: ${refusal}`)
    return
  }
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: auth.token }))
}

/** A path on this origin only: `/presenter/3` yes; `//evil.example`, `https://...`, `/\evil` no. */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])[\w\-./#?=&%]*$/.test(next) ? next : '/'
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(`${text}\n`)
}
