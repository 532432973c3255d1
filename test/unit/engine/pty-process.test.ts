/** The PTY class against a real shell (no engine needed). */
import os from 'node:os'
import { describe, expect, it } from 'vitest'
import { PtyProcess, WRITE_CHUNK_CHARS } from '../../../demo-server/engine/pty-process'

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', PS1: '$ ' }
const spawnShell = (argv: string[], cols = 100, rows = 20) => PtyProcess.spawn('/bin/sh', argv, { cols, rows, env, cwd: os.tmpdir() })

async function output(terminal: PtyProcess, until: (text: string) => boolean): Promise<string> {
  let text = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { remove(); reject(new Error(`no match in ${JSON.stringify(text)}`)) }, 5000)
    const remove = terminal.onData((data) => {
      text += data
      if (until(text)) {
        clearTimeout(timer)
        remove()
        resolve(text)
      }
    })
  })
}

describe('PtyProcess', () => {
  it('runs in a terminal of the given size, with \\r\\n line ends and the exit code', async () => {
    await using terminal = spawnShell(['-c', 'stty size; exit 3'])
    const text = output(terminal, t => t.includes('20 100'))
    expect(await text).toContain('20 100\r\n')
    expect(await terminal.exited).toEqual({ exitCode: 3 })
  })

  it('writes long input in order, in chunks, and resizes', async () => {
    await using terminal = spawnShell(['-c', 'read line; echo "got ${#line}"; sleep 0.2; stty size'])
    // Within the 4 KiB a terminal's line discipline holds for one line.
    const line = 'x'.repeat(WRITE_CHUNK_CHARS * 3 + 7)
    const seen = output(terminal, t => /got \d+[\s\S]*\d+ \d+/.test(t))
    terminal.write(`${line}\r`)
    terminal.resize(60, 10)
    const text = await seen
    expect(text).toContain(`got ${line.length}`)
    expect(text).toMatch(/10 60/)
  })

  it('kill sends SIGINT, then SIGKILL to a process that ignores it; twice is safe', async () => {
    const terminal = spawnShell(['-c', 'trap "" INT; echo ready; sleep 30'])
    await output(terminal, t => t.includes('ready'))
    const started = Date.now()
    const exit = await terminal.kill(300)
    expect(exit.signal).toBe(9)
    expect(exit.exitCode).toBe(137)
    expect(Date.now() - started).toBeLessThan(3000)
    expect(await terminal.kill()).toEqual(exit)
  })

  it('every listener has its remover', async () => {
    await using terminal = spawnShell(['-c', 'echo one; sleep 0.3; echo two'])
    let seen = ''
    const remove = terminal.onData((data) => { seen += data })
    await output(terminal, t => t.includes('one'))
    remove()
    await terminal.exited
    expect(seen).toContain('one')
    expect(seen).not.toContain('two')
  })
})
