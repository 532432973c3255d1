import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRecording, RecordingError, serializeRecording } from '../../demo-server/recordings/cast-file'
import { writeFileAtomically } from '../../demo-server/atomic-file'
import { readRecording, readRecordings, recordingPath, recordingsDir } from '../../demo-server/recordings/store'
import { helloRecording } from './helpers'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'recordings-store-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('where recordings live', () => {
  it('next to the deck, under recordings/<deck name>/<demo id>.cast', () => {
    expect(recordingPath('slides.md', 'volume-share')).toBe(path.join('recordings', 'slides', 'volume-share.cast'))
    expect(recordingPath('/talks/other.md', 'net-setup')).toBe('/talks/recordings/other/net-setup.cast')
    expect(recordingsDir('decks/a.md')).toBe(path.join('decks', 'recordings', 'a'))
  })
})

describe('writeFileAtomically and readRecordings', () => {
  it('writes, then reads back every recording of the deck by demo id', async () => {
    const deck = path.join(dir, 'talk.md')
    const text = serializeRecording(helloRecording())
    await writeFileAtomically(recordingPath(deck, 'hello'), text)
    expect(await readFile(recordingPath(deck, 'hello'), 'utf8')).toBe(text)
    const all = await readRecordings(deck)
    expect([...all.keys()]).toEqual(['hello'])
    const read = all.get('hello')!
    expect(read.ok && read.recording.steps).toEqual(helloRecording().steps)
    expect(await readdir(recordingsDir(deck))).toEqual(['hello.cast']) // no temp file left
    expect(await readRecordings(path.join(dir, 'no-recordings.md'))).toEqual(new Map())
    expect(await readRecording(recordingPath(deck, 'absent'))).toBeUndefined()
  })

  it('a corrupt file and an unknown version are results naming the file, never exceptions', async () => {
    const deck = path.join(dir, 'broken.md')
    const good = serializeRecording(helloRecording())
    const [header, ...rest] = good.split('\n')
    await mkdir(recordingsDir(deck), { recursive: true })
    await writeFile(recordingPath(deck, 'cut'), good.slice(0, good.length / 2))
    await writeFile(recordingPath(deck, 'v3'), [header.replace('"version":2', '"version":3'), ...rest].join('\n'))
    await writeFile(recordingPath(deck, 'fine'), good)
    const all = await readRecordings(deck)
    expect([...all.keys()]).toEqual(['cut', 'fine', 'v3'])
    const cut = all.get('cut')!
    const v3 = all.get('v3')!
    expect(all.get('fine')!.ok).toBe(true)
    expect(cut.ok).toBe(false)
    expect(v3.ok).toBe(false)
    if (cut.ok || v3.ok)
      return
    expect(cut.error).toBeInstanceOf(RecordingError)
    expect(cut.error.message).toMatch(new RegExp(`^${recordingPath(deck, 'cut')}:\\d+: `))
    expect(v3.error.message).toBe(`${recordingPath(deck, 'v3')}:1: asciicast version 3 is not supported; expected 2. Record it again with \`npm run rehearse\`.`)
    expect(v3.error.file).toBe(recordingPath(deck, 'v3'))
  })

  it('kill -9 in the middle of a write leaves the old recording intact', async () => {
    const target = path.join(dir, 'recordings', 'killed', 'hello.cast')
    const old = serializeRecording(helloRecording())
    await writeFileAtomically(target, old)

    const child = spawn(path.join(import.meta.dirname, '../../node_modules/.bin/tsx'), [path.join(import.meta.dirname, 'slow-writer.ts'), target], { stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise<NodeJS.Signals | null>(resolve => child.once('exit', (_code, signal) => resolve(signal)))
    let output = ''
    const temp = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /^writing (.+)$/m.exec(output)
        if (match)
          resolve(match[1])
      })
      void exited.then(() => reject(new Error(`the writer exited before it started writing: ${output}`)))
    })
    // Well into the temp file, well before its end (the text is ~8 MB, written 64 KiB at a time).
    while ((await stat(temp)).size < 4 * 64 * 1024)
      await new Promise(resolve => setTimeout(resolve, 10))
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    expect(output).not.toContain('done')

    expect(await readFile(target, 'utf8')).toBe(old)
    expect(parseRecording(await readFile(target, 'utf8'), target).steps).toEqual(helloRecording().steps)
    const partial = (await stat(temp)).size
    expect(partial).toBeGreaterThan(0)
    expect(partial).toBeLessThan(8_000_000) // the whole text is ~8.4 MB: killed half way, not after
    // The leftover temp file is never taken for a recording.
    expect([...(await readRecordings(path.join(dir, 'killed.md'))).keys()]).toEqual(['hello'])
  })
})
