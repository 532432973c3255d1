/**
 * The other side of a fidelity comparison: a demo's lines run by a plain bash (no rc file of
 * ours, no marks), one script in one pseudo-terminal of the slide's size, with DOCKER_HOST
 * straight at the engine. Between the lines the script prints a separator with the status, so
 * each line's output and exit code can be told apart.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PtyProcess } from '../../demo-server/engine/pty-process'

const SEPARATOR = '\x1E'
const LINE_END = new RegExp(`${SEPARATOR}(\\d+)${SEPARATOR}\\r?\\n`)

export interface PlainLine {
  exitCode: number
  /** As the terminal got it (`\r\n` line ends). */
  output: string
}

/** `cli`: the docker CLI that `docker` names (first on PATH, as the demo's shell has it). */
export async function runInPlainBash(lines: readonly string[], options: { cwd: string, dockerHost: string, cli: string, cols: number, rows: number }): Promise<PlainLine[]> {
  // Outside the working directory: a build's context there must be the same on both sides.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plain-bash-'))
  const script = path.join(dir, 'lines.sh')
  fs.mkdirSync(path.join(dir, 'bin'))
  fs.symlinkSync(options.cli, path.join(dir, 'bin', 'docker'))
  fs.writeFileSync(script, lines.map(line => `${line}\nprintf '${SEPARATOR}%s${SEPARATOR}\\n' "$?"\n`).join(''))
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^DOCKER_(?:CONTEXT|TLS\w*|CERT_PATH)$/.test(name))
      env[name] = value
  }
  env.DOCKER_HOST = options.dockerHost
  env.TERM = 'xterm-256color'
  env.PATH = `${path.join(dir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`
  const terminal = PtyProcess.spawn('bash', ['--noprofile', '--norc', script], { cols: options.cols, rows: options.rows, env, cwd: options.cwd })
  let output = ''
  const remove = terminal.onData((data) => { output += data })
  await terminal.exited
  remove()
  fs.rmSync(dir, { recursive: true, force: true })
  const results: PlainLine[] = []
  let rest = output
  for (let match = LINE_END.exec(rest); match; match = LINE_END.exec(rest)) {
    results.push({ exitCode: Number(match[1]), output: rest.slice(0, match.index) })
    rest = rest.slice(match.index + match[0].length)
  }
  return results
}
