/**
 * The files only this user may read: the session cookie's signing key, and one runtime file per
 * running server with its control token and current login URL (as Jupyter keeps
 * `jpserver-<pid>.json`). The Node CLI reads the token here, so it never travels on a command
 * line (`ps`) or through a log. Not in the deck's working directory: that one is mounted into
 * demo containers.
 *
 * $DOCKER_DEMO_STATE_DIR, else $XDG_STATE_HOME/docker-demo, else ~/.local/state/docker-demo.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import process from 'node:process'

export const STATE_DIR_ENV = 'DOCKER_DEMO_STATE_DIR'

export function stateDir(): string {
  const configured = process.env[STATE_DIR_ENV]
  if (configured)
    return path.resolve(configured)
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state')
  return path.join(base, 'docker-demo')
}

/** Creates `dir` (and the state directory) for this user alone, and tightens an existing one. */
function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if ((statSync(dir).mode & 0o077) !== 0)
    chmodSync(dir, 0o700)
  return dir
}

/** Written to a private temporary file first, then renamed: a reader never sees half a file. */
function writePrivateFile(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(temporary, text, { mode: 0o600 })
  renameSync(temporary, file)
}

/** The key that signs session cookies; made on first use. */
export function sessionKey(dir = stateDir()): Buffer {
  const file = path.join(privateDir(dir), 'session-key')
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
    if (key.length >= 32)
      return key
  }
  catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw error
  }
  const key = randomBytes(32)
  writePrivateFile(file, `${key.toString('hex')}\n`)
  return key
}

/** What a running demo server leaves for this user's CLI. */
export interface RuntimeInfo {
  pid: number
  deckFile: string
  /** `http://host:port`, the deck's origin. */
  origin: string
  /** `ws://host:port/__docker-demo` */
  url: string
  token: string
  /** The one-time login URL for a browser (spent once used; a new one replaces it here). */
  loginUrl: string
}

export interface RuntimeFile {
  readonly path: string
  update: (info: RuntimeInfo) => void
  /** Removes the file; safe to call twice. */
  remove: () => void
}

/**
 * One file per listening port: `servers/<port>.json`, gone when the server closes or the process
 * exits. (A signal ends a Node process without 'exit' unless someone listens for it: the hosts
 * listen, vite-plugin.ts and `demo serve`, and close the server.)
 */
export function runtimeFile(port: number, dir = stateDir()): RuntimeFile {
  const file = path.join(privateDir(path.join(privateDir(dir), 'servers')), `${port}.json`)
  const removeFile = () => rmSync(file, { force: true })
  const remove = () => {
    removeFile()
    process.off('exit', removeFile)
  }
  process.once('exit', removeFile)
  return {
    path: file,
    update: info => writePrivateFile(file, `${JSON.stringify(info, null, 2)}\n`),
    remove,
  }
}

/** The runtime files of servers that are still running (a killed server leaves its file). */
export function runningServers(dir = stateDir()): RuntimeInfo[] {
  const servers = path.join(dir, 'servers')
  let names: string[]
  try {
    names = readdirSync(servers).filter(name => name.endsWith('.json'))
  }
  catch {
    return []
  }
  const found: RuntimeInfo[] = []
  for (const name of names) {
    try {
      const info = JSON.parse(readFileSync(path.join(servers, name), 'utf8')) as RuntimeInfo
      if (isRunning(info.pid))
        found.push(info)
    }
    catch {
      // Half-written files cannot happen (renamed into place); an unreadable one is not ours.
    }
  }
  return found
}

/** The running server reached at `origin` (`http://localhost:3030`): its port decides. */
export function serverAt(origin: string, dir = stateDir()): RuntimeInfo | undefined {
  const port = new URL(origin).port
  return runningServers(dir).find(info => new URL(info.origin).port === port)
}

/** The runtime file of this user's server at `url` (ws or http), or an error that says how to
 *  start one: what a CLI needs before it can talk to a running server with its token. */
export function requireServerAt(url: string, dir = stateDir()): RuntimeInfo {
  const origin = new URL(url.replace(/^ws/, 'http')).origin
  const info = serverAt(origin, dir)
  if (!info)
    throw new Error(`No demo server of this user is running at ${origin}: start one with "npm start" or "npm run demo -- serve", as this user, on this machine.`)
  return info
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  }
  catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
