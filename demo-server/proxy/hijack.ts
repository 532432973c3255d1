/**
 * Hijacked streams: attach and exec start arrive as `Upgrade: tcp` requests that the engine
 * answers with 101 and then raw bytes both ways (BuildKit's /session likewise, with h2c). The
 * request goes to the engine byte for byte on a connection of its own, and the two sockets are
 * piped. Half-close passes through: when the CLI's stdin ends it closes its write side, the
 * engine sees the end of input, and output keeps flowing back until the engine ends it.
 */
import type http from 'node:http'
import type net from 'node:net'
import type { Refusal } from './refusals.ts'
import { refusalBody } from './refusals.ts'

/** The request line and headers as the client sent them (rawHeaders keeps case and order). */
function requestHead(req: http.IncomingMessage): string {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`]
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
  return `${lines.join('\r\n')}\r\n\r\n`
}

export function pipeHijacked(req: http.IncomingMessage, client: net.Socket, head: Buffer, engine: net.Socket): void {
  const closeBoth = (): void => {
    client.destroy()
    engine.destroy()
  }
  engine.on('error', closeBoth)
  client.on('error', closeBoth)
  // Each side is closed once both directions have ended, whichever ends first.
  engine.on('close', () => client.destroy())
  client.on('close', () => engine.destroy())
  engine.write(requestHead(req))
  if (head.length > 0)
    engine.write(head)
  client.pipe(engine)
  engine.pipe(client)
  client.resume()
}

/** A refusal on a socket that was about to be upgraded: a plain HTTP answer, then close. */
export function refuseOnSocket(client: net.Socket, refusal: Refusal): void {
  const body = refusalBody(refusal)
  client.end([
    `HTTP/1.1 ${refusal.status} ${refusal.status === 403 ? 'Forbidden' : 'Refused'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n'))
}
