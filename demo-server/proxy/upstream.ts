/**
 * The engine behind the proxy, reached as endpoint.ts resolved it: a unix socket, or tcp with
 * or without TLS. Three ways in: a forwarded HTTP request, a raw socket for hijacked streams
 * (attach, exec start), and small JSON calls of the proxy's own (inspect before a write).
 */
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import tls from 'node:tls'
import type { Endpoint, ResolvedEndpoint } from '../engine/endpoint.ts'
import { EndpointError } from '../engine/endpoint.ts'

export interface Upstream {
  /** "unix:///var/run/docker.sock", for messages. */
  url: string
  request: (options: { method: string, path: string, headers: http.OutgoingHttpHeaders }) => http.ClientRequest
  /** A fresh connection for one hijacked request; half-open so that stdin's end reaches the
   *  engine while output still flows back. */
  connect: () => net.Socket
  json: <T>(method: string, path: string, body?: unknown) => Promise<{ status: number, body: T | undefined }>
  close: () => void
}

export function connectUpstream(resolved: ResolvedEndpoint): Upstream {
  const { endpoint } = resolved
  const target = targetOf(endpoint, resolved.url)
  const agent = target.secure
    ? new https.Agent({ keepAlive: true, ...target.tls })
    : new http.Agent({ keepAlive: true })
  const transport = target.secure ? https : http

  const request: Upstream['request'] = ({ method, path, headers }) =>
    transport.request({ ...target.address, method, path, headers, agent })

  const connect = (): net.Socket => {
    if (endpoint.kind === 'unix')
      return net.connect({ path: endpoint.socketPath, allowHalfOpen: true })
    if (target.secure)
      return tls.connect({ host: target.address.host, port: target.address.port, ...target.tls, allowHalfOpen: true } as tls.ConnectionOptions)
    return net.connect({ host: target.address.host!, port: target.address.port!, allowHalfOpen: true })
  }

  const json: Upstream['json'] = <T>(method: string, path: string, body?: unknown) => new Promise<{ status: number, body: T | undefined }>((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
    const req = request({
      method,
      path,
      headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {},
    })
    req.on('error', reject)
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let parsed: T | undefined
        try {
          parsed = text ? JSON.parse(text) as T : undefined
        }
        catch {
          parsed = undefined
        }
        resolve({ status: res.statusCode ?? 0, body: parsed })
      })
    })
    req.end(payload)
  })

  return { url: resolved.url, request, connect, json, close: () => agent.destroy() }
}

interface Target {
  address: { socketPath?: string, host?: string, port?: number }
  secure: boolean
  tls: { ca?: string, cert?: string, key?: string, rejectUnauthorized: boolean }
}

function targetOf(endpoint: Endpoint, url: string): Target {
  switch (endpoint.kind) {
    case 'unix':
      return { address: { socketPath: endpoint.socketPath }, secure: false, tls: { rejectUnauthorized: true } }
    case 'tcp': {
      const files = endpoint.tls
      const secure = files !== undefined && (files.cert !== undefined || files.verify)
      return {
        address: { host: endpoint.host, port: endpoint.port },
        secure,
        tls: { ca: files?.ca, cert: files?.cert, key: files?.key, rejectUnauthorized: files?.verify ?? true },
      }
    }
    case 'ssh':
      throw new EndpointError(`the engine proxy cannot reach "${url}" over ssh; use a unix or tcp endpoint (e.g. a forwarded socket: ssh -L /tmp/docker.sock:/var/run/docker.sock)`)
  }
}
