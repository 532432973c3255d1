/** Which bash runs a deck's lines, or what to install (demo-server/shell/which-shell.ts). */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveShell } from '../../../demo-server/shell/which-shell'

describe('resolveShell', () => {
  it('takes DOCKER_DEMO_SHELL, else bash on PATH', () => {
    expect(resolveShell({ PATH: process.env.PATH })).toMatch(/\/bash$/)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'which-shell-'))
    fs.writeFileSync(path.join(dir, 'mybash'), '#!/bin/sh\n', { mode: 0o755 })
    expect(resolveShell({ PATH: '/nowhere', DOCKER_DEMO_SHELL: path.join(dir, 'mybash') })).toBe(path.join(dir, 'mybash'))
    expect(resolveShell({ PATH: dir, DOCKER_DEMO_SHELL: 'mybash' })).toBe(path.join(dir, 'mybash'))
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('names what to install when there is none', () => {
    expect(() => resolveShell({ PATH: '/nowhere' })).toThrow(/^no "bash" on PATH \(\/nowhere\): a demo is lines of a bash shell: install bash \(macOS has \/bin\/bash; on Windows run the deck in WSL or Git Bash/)
    expect(() => resolveShell({ PATH: '/nowhere', DOCKER_DEMO_SHELL: '/no/such/bash' })).toThrow(/^DOCKER_DEMO_SHELL="\/no\/such\/bash" is not an executable file/)
  })
})
