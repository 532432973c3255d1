/** Small helpers the server modules share; not part of the public surface. */
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'

/** The object without its undefined properties, so that spreading it keeps the defaults. */
export function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T
}

/** Answers an upgrade that will not become a WebSocket, and closes it. Node's HTTP server stops
 *  listening for errors on a socket it hands to 'upgrade': without a listener of our own, a peer
 *  that resets the connection while we answer raises an uncaught 'error' that takes the whole
 *  server down. Destroyed once written (as `ws` does) so that a peer that never closes its end
 *  does not hold the socket open. */
export function refuseHandshake(socket: Duplex, status: number, body: string): void {
  socket.on('error', () => {})
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}
