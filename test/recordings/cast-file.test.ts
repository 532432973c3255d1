import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as castFile from '../../demo-server/recordings/cast-file'
import { commandHash, fnv1a64, parseRecording, RecordingError, serializeRecording, staleSteps } from '../../demo-server/recordings/cast-file'
import { helloRecording } from './helpers'

const SOURCE = new URL('../../demo-server/recordings/cast-file.ts', import.meta.url)

/** The error parseRecording throws for `text`. */
function errorOf(text: string, name = 'recordings/slides/hello.cast'): RecordingError {
  try {
    parseRecording(text, name)
  }
  catch (error) {
    if (error instanceof RecordingError)
      return error
    throw error
  }
  throw new Error('parseRecording accepted it')
}

describe('cast-file: the public surface the deck components use', () => {
  it('exports exactly this', () => {
    expect(Object.keys(castFile).sort()).toEqual([
      'HEADER_KEY',
      'RECORDING_VERSION',
      'RecordingError',
      'commandHash',
      'describeStale',
      'fnv1a64',
      'markerLabel',
      'parseRecording',
      'rehearseCommand',
      'serializeRecording',
      'staleSteps',
    ])
  })

  it('is browser-safe: it imports nothing but types from the protocol', () => {
    const imports = [...readFileSync(SOURCE, 'utf8').matchAll(/^import .*$/gm)].map(m => m[0])
    expect(imports).toEqual(['import type { AsciicastHeader, AsciicastOutputEvent, RunOutcome } from \'../protocol.ts\''])
  })
})

describe('serializeRecording', () => {
  const text = serializeRecording(helloRecording())
  const lines = text.split('\n')

  it('writes the header, then a marker before each step\'s output, one JSON value per line', () => {
    expect(text.endsWith('\n')).toBe(true)
    expect(lines.at(-1)).toBe('')
    const header = JSON.parse(lines[0])
    expect(header).toMatchObject({ version: 2, width: 80, height: 24, timestamp: 1767323045, title: 'hello — echo twice', env: { TERM: 'xterm-256color' } })
    expect(Object.keys(header.docker_demo)).toEqual(['deck', 'demoId', 'recordedAt', 'engine', 'dockerCli', 'images', 'standins', 'steps'])
    expect(header.docker_demo.steps).toEqual([
      { index: 1, command: 'docker run --rm alpine echo hello', prompt: '$ ', commandHash: commandHash('$ ', 'docker run --rm alpine echo hello'), outcome: 'ok', exitCode: 0, start: 0, duration: 0.5 },
      { index: 2, command: 'docker run --rm alpine sh -c \'seq 1 3; sleep 0.2; seq 4 6\'', prompt: '$ ', commandHash: commandHash('$ ', 'docker run --rm alpine sh -c \'seq 1 3; sleep 0.2; seq 4 6\''), outcome: 'ok', exitCode: 0, start: 0.5, duration: 0.7 },
    ])
    expect(lines.slice(1, -1).map(line => JSON.parse(line))).toEqual([
      [0, 'm', 'step 1: docker run --rm alpine echo hello'],
      [0.000012, 'o', '$ docker run --rm alpine echo hello\r\n'],
      [0.291234, 'o', 'hello\r\n'],
      [0.5, 'm', 'step 2: docker run --rm alpine sh -c \'seq 1 3; sleep 0.2; seq 4 6\''],
      [0.500012, 'o', '$ docker run --rm alpine sh -c \'seq 1 3; sleep 0.2; seq 4 6\'\r\n'],
      [0.8, 'o', '1\r\n2\r\n3\r\n'],
      [1.000001, 'o', '4\r\n5\r\n6\r\n'],
    ])
  })

  it('keeps times cumulative and never decreasing, even when a step claims to start early', () => {
    const recording = helloRecording()
    recording.steps[1].start = 0.1 // before step 1's last output
    const times = serializeRecording(recording).trim().split('\n').slice(1).map(line => JSON.parse(line)[0] as number)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(parseRecording(serializeRecording(recording), 'x.cast').steps[1].start).toBe(0.291234)
  })

  it('round-trips: parse(serialize(r)) gives the same steps, event times to the microsecond', () => {
    const recording = helloRecording()
    const parsed = parseRecording(text, 'hello.cast')
    expect(parsed.steps).toEqual(recording.steps)
    expect(parsed.header.docker_demo.steps.map(s => s.start)).toEqual([0, 0.5])
    expect(serializeRecording(parsed)).toBe(text)
  })
})

describe('parseRecording rejects what it cannot play, naming the file and the line', () => {
  const good = serializeRecording(helloRecording())
  const lines = good.split('\n')
  const withLine = (index: number, line: string) => lines.map((l, i) => i === index ? line : l).join('\n')
  const withHeader = (edit: (header: Record<string, any>) => void) => {
    const header = JSON.parse(lines[0])
    edit(header)
    return withLine(0, JSON.stringify(header))
  }

  it('an unknown version, by name', () => {
    const error = errorOf(withHeader((h) => { h.version = 3 }))
    expect(error.message).toBe('recordings/slides/hello.cast:1: asciicast version 3 is not supported; expected 2. Record it again with `npm run rehearse`.')
    expect(error).toMatchObject({ name: 'RecordingError', code: 'UNSUPPORTED_VERSION', file: 'recordings/slides/hello.cast', line: 1 })
    expect(errorOf('{"version": 1, "width": 80, "height": 24, "stdout": []}').message).toContain('asciicast version 1 is not supported; expected 2')
  })

  it('corrupt JSON, with its line', () => {
    expect(errorOf(withLine(3, '[0.29, "o", "hel')).message).toBe('recordings/slides/hello.cast:4: the event is not valid JSON: "[0.29, \\"o\\", \\"hel". Record it again with `npm run rehearse`.')
    expect(errorOf(withLine(0, '{"version": 2,')).message).toMatch(/^recordings\/slides\/hello\.cast:1: the header is not valid JSON/)
    expect(errorOf('').code).toBe('EMPTY')
  })

  it('missing header fields', () => {
    expect(errorOf(withHeader((h) => { delete h.width })).message).toBe('recordings/slides/hello.cast:1: the header\'s "width" is missing or not a positive whole number. Record it again with `npm run rehearse`.')
    expect(errorOf(withHeader((h) => { delete h.docker_demo })).message).toContain('the header has no "docker_demo" object: this is not a rehearsal recording')
    expect(errorOf(withHeader((h) => { delete h.docker_demo.engine })).message).toContain('"docker_demo.engine" is missing')
    expect(errorOf(withHeader((h) => { h.docker_demo.steps[1].outcome = 'great' })).message).toContain('"docker_demo.steps[1].outcome" is missing or not one of ok, failed,')
    expect(errorOf(withHeader((h) => { h.docker_demo.standins = 'yes' })).code).toBe('BAD_HEADER')
  })

  it('events that do not fit the header: out of order, a wrong marker, a file cut short', () => {
    expect(errorOf(withLine(3, '[0.000001, "o", "hello\\r\\n"]')).message).toContain(':4: time 0.000001 is earlier than the event before it (0.000012)')
    expect(errorOf(withLine(4, '[0.5, "m", "step 2: docker run something else"]')).message).toContain(':5: marker "step 2: docker run something else" does not match the header\'s step 2')
    expect(errorOf(lines.slice(0, 4).join('\n')).message).toContain('the header lists 2 steps but the file has 1 step markers (cut short?)')
    expect(errorOf(withLine(1, '[0, "o", "no marker first"]')).code).toBe('BAD_EVENT')
  })

  it('accepts what asciicast v2 allows: CRLF line ends, other event types, unknown header keys', () => {
    const header = JSON.parse(lines[0])
    header.idle_time_limit = 2
    header.docker_demo.future = { anything: true }
    const text = [JSON.stringify(header), ...lines.slice(1, 3), '[0.2, "i", "typed"]', ...lines.slice(3)].join('\r\n')
    expect(parseRecording(text, 'x.cast').steps).toEqual(helloRecording().steps)
  })
})

describe('commandHash and staleSteps', () => {
  it('is FNV-1a 64 (the published test vectors), over prompt NUL command', () => {
    expect([fnv1a64(''), fnv1a64('a'), fnv1a64('foobar')]).toEqual(['cbf29ce484222325', 'af63dc4c8601ec8c', '85944171f73967e8'])
    expect(commandHash('$ ', 'docker ps')).toBe(fnv1a64('$ \u0000docker ps'))
    expect(commandHash('$ ', 'echo 日本語')).toMatch(/^[0-9a-f]{16}$/)
    expect(commandHash('$ ', 'docker ps')).not.toBe(commandHash('/ # ', 'docker ps'))
  })

  const recording = helloRecording()
  const deckSteps = recording.steps.map(({ index, prompt, command }) => ({ index, prompt, command }))

  it('nothing is stale when the deck says what was recorded', () => {
    expect(staleSteps(recording, deckSteps)).toEqual([])
  })

  it('an edited command, an added and a removed step are stale', () => {
    const edited = deckSteps.map(s => s.index === 2 ? { ...s, command: `${s.command} # changed` } : s)
    expect(staleSteps(recording, edited)).toEqual([{ index: 2, reason: 'command-changed' }])
    expect(staleSteps(recording, [...deckSteps, { index: 3, prompt: '$ ', command: 'docker ps' }])).toEqual([{ index: 3, reason: 'added' }])
    expect(staleSteps(recording, deckSteps.slice(0, 1))).toEqual([{ index: 2, reason: 'removed' }])
    expect(castFile.describeStale({ index: 2, reason: 'command-changed' })).toBe('step 2\'s command changed')
  })
})
