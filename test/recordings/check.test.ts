/** `npm run check` on a deck with recordings: stale ones are warnings (exit 0), a corrupt one
 *  is an error naming the file (exit 1), missing ones matter only with --require-recordings.
 *  No engine: the recordings are made by hand (helpers.ts). */
import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { serializeRecording } from '../../demo-server/recordings/cast-file'
import { writeFileAtomically } from '../../demo-server/atomic-file'
import { recordingPath } from '../../demo-server/recordings/store'
import { helloRecording } from './helpers'

const ROOT = path.resolve(import.meta.dirname, '../..')
const CHECK = path.join(ROOT, 'demo-server/cli/check.ts')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
let dir: string

async function check(...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [CHECK, ...args], { cwd: dir })
    return { code: 0, stdout, stderr }
  }
  catch (error) {
    const e = error as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'recordings-check-'))
  await copyFile(path.join(import.meta.dirname, 'fixtures/rehearse.md'), path.join(dir, 'rehearse.md'))
  await writeFileAtomically(recordingPath(path.join(dir, 'rehearse.md'), 'hello'), serializeRecording(helloRecording()))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The check's first line names the docker CLI it read the flags from. */
const CHECKED_AGAINST = /^rehearse\.md: checking against docker \S+ \(\S+\)\n/

describe('npm run check and recordings', () => {
  it('says nothing about a fresh recording, nor about a missing one', async () => {
    const result = await check('rehearse.md')
    expect(result).toEqual({ code: 0, stdout: expect.stringMatching(CHECKED_AGAINST), stderr: '' })
    expect(result.stdout.replace(CHECKED_AGAINST, '')).toBe('rehearse.md: 2 demos, 5 steps, no problems\n')
  })

  it('warns, naming the deck line and the command to run, when a step\'s command changed', async () => {
    const deck = path.join(dir, 'rehearse.md')
    await writeFile(deck, (await readFile(deck, 'utf8')).replace('alpine echo hello', 'alpine echo hello again'))
    const result = await check('rehearse.md')
    expect(result.stderr).toBe('rehearse.md:10: recording recordings/rehearse/hello.cast is stale: step 1\'s command changed — run npm run rehearse -- --only hello\n')
    expect(result.stdout.replace(CHECKED_AGAINST, '')).toBe('rehearse.md: 2 demos, 5 steps, no problems, 1 warning about recordings\n')
    expect(result.code).toBe(0)
  })

  it('warns about an added step and a recording whose demo is gone', async () => {
    const deck = path.join(dir, 'rehearse.md')
    await writeFile(deck, (await readFile(deck, 'utf8')).replace('seq 4 6\'\n', 'seq 4 6\'\ndocker ps\n'))
    await writeFileAtomically(recordingPath(deck, 'renamed'), serializeRecording(helloRecording()))
    const result = await check('rehearse.md')
    expect(result.stderr.split('\n')).toEqual([
      'rehearse.md:12: recording recordings/rehearse/hello.cast is stale: step 3 was added — run npm run rehearse -- --only hello',
      'rehearse.md: recording recordings/rehearse/renamed.cast belongs to no demo of rehearse.md (renamed or removed?): delete it, or rename it to the demo\'s new id',
      '',
    ])
    expect(result.code).toBe(0)
  })

  it('fails on a corrupt recording, naming the file and line', async () => {
    await writeFile(path.join(dir, 'recordings/rehearse/hello.cast'), '{"version": 3, "width": 80, "height": 24}\n')
    const result = await check('rehearse.md')
    expect(result.stderr).toBe([
      'rehearse.md:7: recording recordings/rehearse/hello.cast cannot be read: recordings/rehearse/hello.cast:1: asciicast version 3 is not supported; expected 2. Record it again with `npm run rehearse`. — run npm run rehearse -- --only hello',
      'rehearse.md: 1 problem in 2 demos',
      '',
    ].join('\n'))
    expect(result.code).toBe(1)
  })

  it('with --require-recordings, a demo without a recording is an error', async () => {
    const result = await check('rehearse.md', '--require-recordings')
    expect(result.stderr).toContain('rehearse.md:18: demo "expected" has no recording recordings/rehearse/expected.cast — run npm run rehearse -- --only expected\n')
    expect(result.code).toBe(1)
  })
})
