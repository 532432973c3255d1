/**
 * A stand-in for the demo server as one window sees it: sockets the test opens, accepts or
 * refuses, and pushes typed messages into; and a token endpoint that grants or refuses.
 * Only for what a real server cannot produce on demand (a refused token, a dropped socket).
 */
import type { ClientMessage, ServerMessage } from '../../demo-server/protocol'
import type { SocketLike, TokenFetch } from '../../components/demo-client'
import { DemoClient } from '../../components/demo-client'

export class FakeSocket implements SocketLike {
  readyState = 0
  onopen: SocketLike['onopen'] = null
  onclose: SocketLike['onclose'] = null
  onerror: SocketLike['onerror'] = null
  onmessage: SocketLike['onmessage'] = null
  readonly sent: ClientMessage[] = []
  closed = false

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1)
      throw new Error('send on a socket that is not open')
    this.sent.push(JSON.parse(data) as ClientMessage)
  }

  close(): void {
    this.closed = true
    this.readyState = 3
  }

  // Test side
  accept(): void {
    this.readyState = 1
    this.onopen?.({})
  }

  refuse(): void {
    this.readyState = 3
    this.onerror?.({})
    this.onclose?.({})
  }

  push(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
}

export interface FakeServer {
  client: DemoClient
  sockets: FakeSocket[]
  /** The newest socket. */
  readonly socket: FakeSocket
  tokenRequests: number
}

/** token: the string the endpoint grants, or 403 (refused), or 'down' (fetch rejects). */
export function fakeServer(token: string | 403 | 'down' = 'secret'): FakeServer {
  const sockets: FakeSocket[] = []
  const server = {
    sockets,
    tokenRequests: 0,
    get socket() { return sockets[sockets.length - 1] },
  } as FakeServer
  const fetchToken: TokenFetch = async () => {
    server.tokenRequests++
    if (token === 'down')
      throw new TypeError('Failed to fetch')
    return token === 403
      ? { status: 403, json: async () => ({ error: 'forbidden' }), text: async () => 'Forbidden' }
      : { status: 200, json: async () => ({ token }), text: async () => JSON.stringify({ token }) }
  }
  server.client = new DemoClient({
    url: 'ws://deck.test/__docker-demo',
    tokenUrl: '/__docker-demo/token',
    createSocket: (url) => {
      const s = new FakeSocket(url)
      sockets.push(s)
      return s
    },
    fetchToken,
    initialDelayMs: 100,
    maxDelayMs: 400,
  })
  return server
}
