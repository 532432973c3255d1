/**
 * A recording plays unchanged in a parser we did not write: Debian's asciinema 2.2
 * (`asciinema cat FILE`) prints exactly the concatenated "o" data, markers and our header key
 * notwithstanding. `asciinema cat` insists on a terminal (/dev/tty, raw mode), so it runs under
 * util-linux `script`, with its stdout going to a file so that no terminal rewrites the bytes.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRecording, serializeRecording } from '../../demo-server/recordings/cast-file'
import { writeFileAtomically } from '../../demo-server/atomic-file'
import { helloRecording } from './helpers'

const run = promisify(execFile)
const INSTALL = 'asciinema is not installed: on Debian, `apt-get install -y --no-install-recommends asciinema` (2.2; .ci/run installs it), then run the tests again.'
const SEED = path.resolve(import.meta.dirname, '../../recordings/slides')
let dir: string

beforeAll(async () => {
  const version = await run('asciinema', ['--version']).then(r => r.stdout, () => undefined)
  if (version === undefined)
    throw new Error(INSTALL)
  if (!/^asciinema 2\./.test(version))
    throw new Error(`This test expects asciinema 2.x (asciicast v2 reader), found "${version.trim()}".`)
  dir = await mkdtemp(path.join(os.tmpdir(), 'recordings-asciinema-'))
})
afterAll(async () => {
  if (dir)
    await rm(dir, { recursive: true, force: true })
})

const quote = (text: string) => `'${text.replaceAll('\'', `'\\''`)}'`

/** What `asciinema cat` writes to its stdout for this file. */
async function asciinemaCat(file: string): Promise<string> {
  const out = path.join(dir, `${path.basename(file)}.out`)
  await run('script', ['-qec', `asciinema cat ${quote(file)} > ${quote(out)}`, '/dev/null'], { timeout: 60_000 })
  return readFile(out, 'utf8')
}

describe('asciinema cat plays our recordings', () => {
  it('a recording with colours, Japanese and CRLF: exactly its output data', async () => {
    const recording = helloRecording({ outputs: [[0.1, '\x1B[32mこんにちは\x1B[0m, docker\r\n'], [0.2, 'tab\there "quoted" \\ backslash\r\n']] })
    const file = path.join(dir, 'hello.cast')
    await writeFileAtomically(file, serializeRecording(recording))
    const expected = recording.steps.flatMap(step => step.events.map(event => event[2])).join('')
    expect(await asciinemaCat(file)).toBe(expected)
  })

  it('a recording the rehearsal made from the seed deck: exactly its output data', async () => {
    const file = path.join(SEED, 'volume-share.cast')
    const recording = parseRecording(await readFile(file, 'utf8'), file)
    const expected = recording.steps.flatMap(step => step.events.map(event => event[2])).join('')
    expect(expected).toContain('$ docker volume prune -f')
    expect(await asciinemaCat(file)).toBe(expected)
  })
})
