/**
 * Serves the demo server on the deck's own origin: `vite.config.ts` adds this plugin, and
 * Slidev's dev server (`npm start`) then answers PROTOCOL_PATH upgrades and TOKEN_PATH beside
 * the slides. Only in `serve`: a static build has no server, and plays recordings.
 */
import path from 'node:path'
import type { Plugin, ViteDevServer } from 'vite'
import type { DemoServer } from './demo-server.ts'
import { createPresenterAuth } from './auth.ts'
import { createDemoServer } from './demo-server.ts'
import { sessionKey } from './state-dir.ts'
import { devServerGuardConfig, guardDevServer } from './dev-server-guard-hooks.ts'

/** The environment variable scripts/start.mjs sets to the deck's path. */
export const DECK_ENV = 'DOCKER_DEMO_DECK'
export const OFFLINE_ENV = 'DOCKER_DEMO_OFFLINE'
/** Comma-separated further host names the deck is deliberately reached by (a tunnel). */
export const HOSTS_ENV = 'DOCKER_DEMO_HOSTS'
/** Set by scripts/start.mjs for `npm start -- --open`: open the login URL, not the bare deck. */
export const OPEN_ENV = 'DOCKER_DEMO_OPEN'
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

export interface DockerDemoPluginOptions {
  /** The deck; default: $DOCKER_DEMO_DECK, else the `.md` Slidev was started with, else slides.md. */
  deck?: string
  offline?: boolean
  /** Further host names the deck is deliberately reached by (a tunnel); default: $DOCKER_DEMO_HOSTS. */
  extraHosts?: string[]
}

export function dockerDemoPlugin(options: DockerDemoPluginOptions = {}): Plugin {
  return {
    name: 'docker-demo',
    apply: 'serve',
    config: devServerGuardConfig,
    async configureServer(server: ViteDevServer) {
      const extraHosts = options.extraHosts ?? process.env[HOSTS_ENV]?.split(',').map(host => host.trim()).filter(Boolean)
      // Before anything can fail: Slidev's own endpoints need the guard even without demos.
      const auth = createPresenterAuth(sessionKey())
      guardDevServer(server, { extraHosts, auth, log: line => console.log(`[docker-demo] ${line}`) })
      const httpServer = server.httpServer
      if (!httpServer) {
        server.config.logger.warn('[docker-demo] Vite runs in middleware mode: no demo server (the deck plays recordings).')
        return
      }
      const deckFile = path.resolve(server.config.root, options.deck ?? process.env[DECK_ENV] ?? deckFromArgv(process.argv) ?? 'slides.md')
      let demo: DemoServer
      try {
        demo = await createDemoServer({
          deckFile,
          offline: options.offline ?? process.env[OFFLINE_ENV] === '1',
          address: () => httpServer.address(),
          extraHosts,
          auth,
          // Slidev quiets Vite's logger; the engine being unreachable must still be seen.
          log: line => console.log(`[docker-demo] ${line}`),
        })
      }
      catch (error) {
        // The slides must still show (and play recordings) when the demo server cannot start.
        console.error(`[docker-demo] no demo server: ${error instanceof Error ? error.message : String(error)}`)
        return
      }
      const announce = () => {
        const address = httpServer.address()
        if (address === null || typeof address === 'string')
          return
        const { loginUrl } = demo.publish(`http://localhost:${address.port}`)
        // The secret is the presenter's to use: it is spent once a browser trades it.
        console.log(`[docker-demo] presenter login (opens controls in that browser; others watch):\n  ${loginUrl}`)
        if (process.env[OPEN_ENV] === '1')
          void openInBrowser(loginUrl)
      }
      if (httpServer.listening)
        announce()
      else
        httpServer.once('listening', announce)
      // Vite's own HMR socket shares 'upgrade': handleUpgrade leaves other paths alone.
      const onUpgrade = (req: Parameters<typeof demo.handleUpgrade>[0], socket: Parameters<typeof demo.handleUpgrade>[1], head: Buffer) => {
        demo.handleUpgrade(req, socket, head)
      }
      httpServer.on('upgrade', onUpgrade)
      server.middlewares.use((req, res, next) => {
        if (!demo.handleRequest(req, res))
          next()
      })
      // Before Vite destroys the sockets, so that windows get a clean 1001 and reconnect to the
      // restarted server; the 'close' event is the fallback (closing twice is safe).
      const closeVite = server.close.bind(server)
      server.close = async () => {
        await demo.close()
        return closeVite()
      }
      // Ctrl-C ends the process without 'exit' when nobody listens: close the demo server first
      // (its runtime file holds the token), then end as the signal would have.
      const onSignal = (signal: NodeJS.Signals) => {
        void demo.close().finally(() => {
          if (process.listenerCount(signal) === 0)
            process.kill(process.pid, signal)
        })
      }
      for (const signal of STOP_SIGNALS)
        process.once(signal, onSignal)
      httpServer.once('close', () => {
        for (const signal of STOP_SIGNALS)
          process.off(signal, onSignal)
        httpServer.off('upgrade', onUpgrade)
        void demo.close()
      })
    },
  }
}

async function openInBrowser(url: string): Promise<void> {
  try {
    const { default: open } = await import('open')
    await open(url)
  }
  catch {
    console.log(`[docker-demo] could not open a browser: open the login URL above yourself.`)
  }
}

/** Slidev's own entry argument: the first `.md` operand on its command line. */
export function deckFromArgv(argv: string[]): string | undefined {
  return argv.slice(2).find(arg => !arg.startsWith('-') && arg.endsWith('.md'))
}
