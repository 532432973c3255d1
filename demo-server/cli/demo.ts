/**
 * The demo server from a terminal, driven exactly as a slide drives it: over the WebSocket,
 * with the token. Without --url it starts its own server in this process (127.0.0.1, any free
 * port) and stops it on exit.
 *
 *   demo serve [deck.md] [--port 3031] [--host 127.0.0.1] [--offline]
 *   demo list  [deck.md] [--json]
 *   demo run   <demo-id> [deck.md] [--step N] [--offline] [--interactive]
 *   demo reset [<demo-id>] [deck.md]
 *   demo login [--url URL] [--host NAME]
 *
 * --url ws://127.0.0.1:PORT/__docker-demo talks to a running server instead: `npm start`'s, or
 * `demo serve`'s. The token comes from that server's runtime file, which only this user can
 * read (state-dir.ts), never from the command line, where `ps` would show it.
 */
import process from 'node:process'
import { parseArgs } from 'node:util'
import type { DemoSummary, RunEndedMessage, ServerMessage, StatusMessage } from '../protocol.ts'
import { START_DOCKER } from '../presenter-help.ts'
import { describeNotRemoved, splitInput } from '../protocol.ts'
import { NodeDemoClient } from '../server/client.ts'
import { ACCEPTABLE_OUTCOMES } from '../server/run-manager.ts'
import type { StandaloneServer } from '../server/standalone.ts'
import { startStandaloneServer } from '../server/standalone.ts'
import { requireServerAt, runningServers } from '../server/state-dir.ts'

const USAGE = `Usage:
  npm run demo -- serve [deck.md] [--port 3031] [--host 127.0.0.1] [--offline] [--docker-host URL]
  npm run demo -- list  [deck.md] [--json]
  npm run demo -- run   <demo-id> [deck.md] [--step N] [--offline] [--interactive]
                  (--interactive, -i: type into run -it / exec -it steps; Ctrl-] cancels)
  npm run demo -- reset [<demo-id>] [deck.md]
  npm run demo -- login [--url URL] [--host NAME]
                  a one-time login URL for a browser (--host: as a co-presenter's machine
                  reaches this one, e.g. its LAN address with npm start -- --remote)
Options for list, run, reset: --url ws://HOST:PORT/__docker-demo to use a running server (e.g.
the one "npm start" serves) instead of starting one here; its token is read from the runtime
file it wrote for this user.`

/** Exit codes: 0 every outcome ok / expected-failure / skipped; 1 a step failed, or a reset
 *  left objects behind; 2 the request was refused or wrong (usage, unknown demo, no engine). */
const EXIT_FAILED = 1
const EXIT_REFUSED = 2

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'step': { type: 'string' },
      'interactive': { type: 'boolean', short: 'i' },
      'offline': { type: 'boolean' },
      'json': { type: 'boolean' },
      'port': { type: 'string' },
      'host': { type: 'string' },
      'docker-host': { type: 'string' },
      'url': { type: 'string' },
      'help': { type: 'boolean', short: 'h' },
    },
  })
  const [command, ...operands] = positionals
  if (values.help || command === undefined) {
    console.log(USAGE)
    return values.help ? 0 : EXIT_REFUSED
  }
  const deck = operands.find(arg => arg.endsWith('.md')) ?? 'slides.md'
  const ids = operands.filter(arg => !arg.endsWith('.md'))
  const serverOptions = { deckFile: deck, offline: values.offline ?? false, dockerHost: values['docker-host'] }

  if (command === 'serve') {
    const port = values.port === undefined ? 3031 : parseInteger(values.port, '--port')
    // Listening for the signals before the server starts: a SIGTERM during start-up still stops it.
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
      process.once('SIGHUP', resolve)
    })
    const server = await startStandaloneServer({ ...serverOptions, port, host: values.host, publish: true })
    console.log(`Docker demo server for ${server.demo.status().deck.file} at ${server.url}`)
    console.log(`Its control token is in ${server.runtimeFile}, readable by this user alone.`)
    console.log(`Run a demo: npm run demo -- run <demo-id> --url ${server.url}`)
    const signal = await stopped
    console.log(`${signal}: stopping the demo server.`)
    await server.close()
    return 0
  }

  if (command === 'login')
    return login(values.url, values.host)

  if (!['list', 'run', 'reset'].includes(command))
    throw new UsageError(`Unknown command "${command}".`)
  // Usage errors before anything starts.
  const step = values.step === undefined ? undefined : parseInteger(values.step, '--step')
  if (command === 'run' && ids.length !== 1)
    throw new UsageError('"run" takes one demo id, e.g. "npm run demo -- run volume-share".')
  if (command === 'reset' && ids.length > 1)
    throw new UsageError('"reset" takes at most one demo id (none resets the whole deck).')
  await using session = await open(values.url, serverOptions, command !== 'list')
  const { client } = session
  switch (command) {
    case 'list':
      return list(client.status, values.json ?? false)
    case 'run':
      return await run(client, ids[0], step, values.interactive ?? false)
    default:
      return await reset(client, ids[0])
  }
}

interface Session {
  client: NodeDemoClient
  [Symbol.asyncDispose]: () => Promise<void>
}

async function open(url: string | undefined, options: { deckFile: string, offline: boolean, dockerHost?: string }, control: boolean): Promise<Session> {
  let server: StandaloneServer | undefined
  let token: string | undefined
  if (url === undefined) {
    server = await startStandaloneServer({ ...options, port: 0, host: '127.0.0.1' })
    url = server.url
    token = server.token
  }
  else if (control) {
    token = requireServerAt(url).token
  }
  const client = await NodeDemoClient.connect(url, { token })
  return {
    client,
    [Symbol.asyncDispose]: async () => {
      await client.close()
      await server?.close()
    },
  }
}

/** Prints the running server's current one-time login URL (a fresh one replaces each used one),
 *  with `host` in place of localhost for a browser on another machine. */
function login(url: string | undefined, host: string | undefined): number {
  const print = (loginUrl: string) => {
    const printed = new URL(loginUrl)
    if (host !== undefined)
      printed.hostname = host
    console.log(printed.href)
  }
  if (url !== undefined) {
    print(requireServerAt(url).loginUrl)
    return 0
  }
  const servers = runningServers()
  if (servers.length === 0)
    throw new Error('No demo server of this user is running: start the deck with "npm start".')
  if (servers.length > 1)
    throw new UsageError(`${servers.length} demo servers are running (${servers.map(info => info.origin).join(', ')}): pick one with --url.`)
  print(servers[0].loginUrl)
  return 0
}

function list(status: StatusMessage, json: boolean): number {
  if (json) {
    console.log(JSON.stringify({ engine: status.engine, offline: status.offline, deck: status.deck }, null, 2))
    return 0
  }
  const engine = status.engine.available
    ? `Docker engine ${status.engine.version ?? ''} (API ${status.engine.apiVersion ?? '?'})`
    : `Docker engine unavailable: ${status.engine.message ?? 'no reason given'}`
  console.log(`${status.deck.file}: ${status.deck.demos.length} demos. ${engine}${status.offline ? '; offline' : ''}`)
  for (const demo of status.deck.demos) {
    const uses = demo.uses.length > 0 ? `  uses: ${demo.uses.join(' ')}` : ''
    console.log(`\n${demo.id}${demo.title ? ` — ${demo.title}` : ''}  (${demo.slide !== undefined ? `slide ${demo.slide}, ` : ''}${demo.file}:${demo.line})${uses}`)
    for (const step of demo.steps) {
      const notes = [
        step.online ? 'online' : '',
        step.shownOnly !== undefined ? `shown-only: ${step.shownOnly}` : '',
        step.expectFail === true ? 'expect-fail' : step.expectFail ? `expect-fail: ${step.expectFail}` : '',
        step.interactive ? 'enters a container' : '',
      ].filter(Boolean)
      console.log(`  ${String(step.index).padStart(2)}  ${step.prompt}${step.command}${notes.length > 0 ? `   # ${notes.join('; ')}` : ''}`)
    }
  }
  for (const problem of status.deck.problems)
    console.log(`\nproblem: ${problem}`)
  return 0
}

async function run(client: NodeDemoClient, demoId: string, step: number | undefined, interactive: boolean): Promise<number> {
  const demos = client.status.deck.demos
  const demo = demos.find(d => d.id === demoId)
  if (!client.status.engine.available) {
    console.error(`Cannot run "${demoId}": the Docker engine is unavailable. ${client.status.engine.message ?? START_DOCKER}`)
    return EXIT_REFUSED
  }
  const ended: RunEndedMessage[] = []
  let settled = false
  const finished = new Promise<number>((resolveWith) => {
    const resolve = (code: number) => {
      settled = true
      resolveWith(code)
    }
    client.onMessage((message: ServerMessage) => {
      switch (message.type) {
        case 'output':
          process.stdout.write(message.event[2])
          break
        case 'run-ended': {
          ended.push(message)
          const acceptable = ACCEPTABLE_OUTCOMES.has(message.outcome)
          if (!acceptable || message.outcome !== 'ok')
            console.error(describeEnd(message, demos))
          const last = step ?? demo?.steps.length
          if (!acceptable)
            resolve(EXIT_FAILED)
          else if (message.demoId === demoId && message.step === last)
            resolve(0)
          break
        }
        case 'error':
          if (message.request === 'run' || message.request === 'cancel') {
            const prefix = where(demos, message.demoId)
            console.error(`${message.message.includes(prefix.slice(0, -2)) ? '' : prefix}${message.message}`)
            resolve(EXIT_REFUSED)
          }
      }
    })
    void client.closed.then(({ code }) => {
      if (!settled)
        console.error(`The demo server closed the connection (code ${code}) before the run ended.`)
      resolve(EXIT_FAILED)
    })
  })
  // Ctrl-C (or a kill) stops the step in its container instead of leaving it running; a
  // second one gives up waiting.
  let interrupted = false
  const onInterrupt = () => {
    if (interrupted)
      process.exit(130)
    interrupted = true
    console.error(`\nCancelling "${demoId}"...`)
    client.control({ type: 'cancel', demoId })
  }
  process.on('SIGINT', onInterrupt)
  process.on('SIGTERM', onInterrupt)
  const terminal = interactive ? attachTerminal(client, onInterrupt) : undefined
  try {
    client.control({ type: 'run', demoId, ...(step !== undefined ? { step } : {}), ...(interactive ? { interactive } : {}), ...terminalSize() })
    const code = await finished
    if (code === 0)
      console.error(`demo "${demoId}": ${ended.length} step${ended.length === 1 ? '' : 's'} done (${summarize(ended)}).`)
    return code
  }
  finally {
    terminal?.()
    process.off('SIGINT', onInterrupt)
    process.off('SIGTERM', onInterrupt)
  }
}

/** The local terminal's size, when stdout is one. */
function terminalSize(): { cols?: number, rows?: number } {
  return process.stdout.isTTY ? { cols: process.stdout.columns, rows: process.stdout.rows } : {}
}

const CTRL_CLOSE_BRACKET = '\u001D'

/** Keystrokes (raw, so Ctrl-C reaches the container) and size changes go to the interactive
 *  run that is open; Ctrl-] cancels. Returns the detacher. */
function attachTerminal(client: NodeDemoClient, cancel: () => void): () => void {
  let runId: string | undefined
  // Typed (or piped) before the terminal opened: kept for it.
  const pending: string[] = []
  const removeListener = client.onMessage((message) => {
    if (message.type === 'run-started') {
      runId = message.interactive ? message.runId : undefined
      if (runId !== undefined) {
        for (const data of pending.splice(0).flatMap(splitInput))
          client.control({ type: 'input', runId, data })
      }
    }
    else if (message.type === 'run-ended' && message.runId === runId) {
      runId = undefined
    }
  })
  const onData = (chunk: Buffer) => {
    const data = chunk.toString('utf8')
    if (data.includes(CTRL_CLOSE_BRACKET)) {
      cancel()
      return
    }
    if (runId === undefined) {
      pending.push(data)
      return
    }
    for (const part of splitInput(data))
      client.control({ type: 'input', runId, data: part })
  }
  const onResize = () => {
    if (runId !== undefined && process.stdout.columns && process.stdout.rows)
      client.control({ type: 'resize', runId, cols: process.stdout.columns, rows: process.stdout.rows })
  }
  if (process.stdin.isTTY)
    process.stdin.setRawMode(true)
  process.stdin.on('data', onData)
  process.stdout.on('resize', onResize)
  return () => {
    removeListener()
    process.stdin.off('data', onData)
    process.stdout.off('resize', onResize)
    if (process.stdin.isTTY)
      process.stdin.setRawMode(false)
    process.stdin.pause()
  }
}

async function reset(client: NodeDemoClient, demoId: string | undefined): Promise<number> {
  const done = client.next(m => (m.type === 'reset-done' && m.demoId === demoId) || (m.type === 'error' && m.request === 'reset'), 120_000)
  client.control({ type: 'reset', ...(demoId !== undefined ? { demoId } : {}) })
  const message = await done
  if (message.type === 'error') {
    console.error(message.message)
    return EXIT_REFUSED
  }
  if (message.type !== 'reset-done')
    return 0
  const what = demoId === undefined ? 'the whole deck' : `demo "${demoId}"`
  const { containers, networks, volumes } = message.removed
  console.log(`Reset ${what}: removed ${containers} containers, ${networks} networks, ${volumes} volumes.`)
  const left = message.notRemoved ?? []
  if (left.length === 0)
    return 0
  console.error(`Reset of ${what} is incomplete: ${left.length} ${left.length === 1 ? 'object' : 'objects'} of the deck could not be removed.`)
  for (const item of left)
    console.error(`  ${describeNotRemoved(item)}`)
  return EXIT_FAILED
}

function where(demos: DemoSummary[], demoId: string | undefined, step?: number): string {
  const demo = demos.find(d => d.id === demoId)
  if (!demo)
    return ''
  const line = step === undefined ? demo.line : demo.steps.find(s => s.index === step)?.line ?? demo.line
  return `${demo.file}:${line}: `
}

function describeEnd(message: RunEndedMessage, demos: DemoSummary[]): string {
  const exit = message.exitCode === null ? '' : ` (exit ${message.exitCode})`
  const reason = message.error ? `: ${message.error.message}` : ''
  return `${where(demos, message.demoId, message.step)}demo "${message.demoId}" step ${message.step}: ${message.outcome}${exit}${reason}`
}

function summarize(ended: RunEndedMessage[]): string {
  const counts = new Map<string, number>()
  for (const end of ended)
    counts.set(end.outcome, (counts.get(end.outcome) ?? 0) + 1)
  return [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ')
}

function parseInteger(text: string, flag: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`${flag} takes a whole number, got "${text}".`)
  return value
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      console.error(`\n${USAGE}`)
    process.exit(EXIT_REFUSED)
  },
)
