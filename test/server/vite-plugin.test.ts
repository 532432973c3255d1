/**
 * The demo server on Vite's own dev server (what `npm start` does through vite.config.ts):
 * the login, the token's runtime file and the socket on the deck's origin, beside Vite's HMR socket.
 */
import type { AddressInfo } from 'node:net'
import { createServer } from 'vite'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { NodeDemoClient } from '../../demo-server/server/client'
import { serverAt } from '../../demo-server/server/state-dir'
import { dockerDemoPlugin } from '../../demo-server/server/vite-plugin'
import { PROTOCOL_PATH } from '../../demo-server/protocol'
import { isEnded, realEngine, sandbox } from './helpers'

describe('the Vite plugin', () => {
  it('serves token and socket on the dev server, leaves HMR alone and closes with it', async () => {
    await (await realEngine()).close() // fails with the set-up hint when no engine answers
    await using box = await sandbox()
    const vite = await createServer({
      configFile: false,
      root: box.dir,
      logLevel: 'silent',
      plugins: [dockerDemoPlugin({ deck: box.deck, offline: true })],
      server: { host: '127.0.0.1', port: 0, strictPort: false, ws: {} },
    })
    await vite.listen()
    try {
      const port = (vite.httpServer!.address() as AddressInfo).port
      const origin = `http://127.0.0.1:${port}`
      // Published for this user's CLI once Vite listens.
      const token = serverAt(origin)?.token
      expect(token).toMatch(/\S{32,}/)
      await using client = await NodeDemoClient.connect(`ws://127.0.0.1:${port}${PROTOCOL_PATH}`, { token })
      expect(client.status.deck.demos.map(d => d.id)).toContain('hello')
      const ended = client.next(isEnded('hello', 1), 30_000)
      client.control({ type: 'run', demoId: 'hello', step: 1 })
      expect((await ended).outcome).toBe('ok')

      // Vite's HMR socket still answers on the same server.
      const hmr = await new Promise<string>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${port}/?token=${vite.config.webSocketToken}`, 'vite-hmr', { origin })
        socket.once('open', () => {
          socket.close()
          resolve('open')
        })
        socket.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`))
        socket.once('error', error => resolve(error.message))
      })
      expect(hmr).toBe('open')

      // Closing Vite closes the demo server: windows are told, not left hanging.
      await vite.close()
      expect((await client.closed).code).toBe(1001)
    }
    finally {
      await vite.close()
    }
  }, 60_000)
})
