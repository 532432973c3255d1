import { describe, expect, it } from 'vitest'
import { ansiToText } from '../../components/ansi'
import { castToRecord, parseCast } from '../../components/cast'

const cast = [
  '{"version": 2, "width": 80, "height": 24, "timestamp": 1790000000, "title": "hello step 1"}',
  '[0.0, "o", "$ docker run --rm alpine echo hello\\r\\n"]',
  '[0.1, "i", "ignored input"]',
  '[0.29, "o", "hello\\r\\n"]',
  '',
].join('\n')

describe('asciicast recordings', () => {
  it('parses a v2 cast into the protocol\'s output events', () => {
    const parsed = parseCast(cast)
    expect(parsed.header.width).toBe(80)
    expect(parsed.events).toEqual([[0, 'o', '$ docker run --rm alpine echo hello\r\n'], [0.29, 'o', 'hello\r\n']])
    expect(ansiToText(parsed.events.map(e => e[2]))).toBe('$ docker run --rm alpine echo hello\nhello')
  })

  it('rejects other versions and broken lines by name and line', () => {
    expect(() => parseCast('{"version": 1}', 'hello.cast')).toThrow('hello.cast:1: asciicast version 1 is not supported; only version 2 is.')
    expect(() => parseCast('', 'hello.cast')).toThrow('hello.cast is empty')
    expect(() => parseCast('{"version": 2}\n[0, "o"]', 'hello.cast')).toThrow('hello.cast:2: expected [seconds, code, data].')
    expect(() => parseCast('{"version": 2}\nnope', 'hello.cast')).toThrow('hello.cast:2: the event is not JSON.')
  })

  it('becomes a RunRecord, ended only when the outcome is known', () => {
    const parsed = parseCast(cast)
    const open = castToRecord(parsed, { demoId: 'hello', step: 1, command: 'docker run --rm alpine echo hello' })
    expect(open.ended).toBeUndefined()
    expect(open.started.header.title).toBe('hello step 1')
    const done = castToRecord(parsed, { demoId: 'hello', step: 1, command: 'docker run --rm alpine echo hello', outcome: 'ok', exitCode: 0 })
    expect(done.ended).toMatchObject({ outcome: 'ok', exitCode: 0, runId: done.started.runId })
  })
})
