/**
 * The demo server on an HTTP server of its own, for the CLI and the tests (`demo serve`, `demo
 * run`). The deck itself is served by Slidev; this serves only the socket, login and token.
 * Listens on 127.0.0.1 unless told otherwise: exposing the engine is a deliberate act.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PROTOCOL_PATH } from '../protocol.ts'
import type { DemoServer, DemoServerOptions } from './demo-server.ts'
import { createDemoServer } from './demo-server.ts'
import { refuseHandshake } from './internal.ts'

export interface StandaloneOptions extends Omit<DemoServerOptions, 'address'> {
  /** 0 picks a free port. */
  port?: number
  host?: string
  /** Write the runtime file, so that this user's CLI finds the token (`demo serve`). */
  publish?: boolean
}

export interface StandaloneServer {
  demo: DemoServer
  /** `http://host:port`: the origin clients must send. */
  origin: string
  /** With `publish`: the runtime file holding the token (for this user alone). */
  runtimeFile?: string
  /** `ws://host:port/__docker-demo` */
  url: string
  port: number
  token: string
  close: () => Promise<void>
  [Symbol.asyncDispose]: () => Promise<void>
}

export async function startStandaloneServer(options: StandaloneOptions): Promise<StandaloneServer> {
  const host = options.host ?? '127.0.0.1'
  const http = createServer()
  const demo = await createDemoServer({ ...options, address: () => http.address() })
  http.on('request', (req, res) => {
    if (demo.handleRequest(req, res))
      return
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      .end(`Docker demo server for ${demo.status().deck.file}: WebSocket at ${PROTOCOL_PATH}. The deck itself is served by "npm start".\n`)
  })
  http.on('upgrade', (req, socket, head) => {
    if (!demo.handleUpgrade(req, socket, head))
      refuseHandshake(socket, 404, `No WebSocket here: the demo server answers at ${PROTOCOL_PATH}.\n`)
  })
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject)
      http.listen(options.port ?? 0, host, () => {
        http.off('error', reject)
        resolve()
      })
    })
  }
  catch (error) {
    await demo.close()
    const code = (error as NodeJS.ErrnoException).code
    throw new Error(code === 'EADDRINUSE'
      ? `Port ${options.port} on ${host} is taken: pick another with --port, or 0 for any free port.`
      : `Cannot listen on ${host}:${options.port ?? 0}: ${(error as Error).message}`)
  }
  const port = (http.address() as AddressInfo).port
  // Every interface: name loopback, an address the server answers to (`[::]` is not one).
  const hostInUrl = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  const origin = `http://${hostInUrl}:${port}`
  const published = options.publish ? demo.publish(origin) : undefined
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      await demo.close()
      http.closeAllConnections()
      await new Promise<void>(resolve => http.close(() => resolve()))
    })()
    return closing
  }
  return { demo, origin, runtimeFile: published?.runtimeFile, url: `ws://${hostInUrl}:${port}${PROTOCOL_PATH}`, port, token: demo.token, close, [Symbol.asyncDispose]: close }
}
