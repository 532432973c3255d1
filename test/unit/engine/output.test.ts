import { describe, expect, it } from 'vitest'
import { FrameDemuxer, StepOutput, toTerminal } from '../../../demo-server/engine/output'

function frame(type: number, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text
  const header = Buffer.alloc(8)
  header[0] = type
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

describe('the multiplexed stream', () => {
  it('splits stdout and stderr frames, across chunk boundaries', () => {
    const got: string[] = []
    const d = new FrameDemuxer((s, t) => got.push(`${s}:${t}`))
    const bytes = Buffer.concat([frame(1, 'hello\n'), frame(2, 'oops\n'), frame(1, 'bye')])
    for (let i = 0; i < bytes.length; i += 5)
      d.push(bytes.subarray(i, i + 5))
    d.end()
    expect(got.join('')).toBe('stdout:hello\nstderr:oops\nstdout:bye')
  })

  it('keeps a UTF-8 character split between frames whole', () => {
    const got: string[] = []
    const d = new FrameDemuxer((_, t) => got.push(t))
    const bytes = Buffer.from('日本')
    d.push(frame(1, bytes.subarray(0, 2)))
    d.push(frame(1, bytes.subarray(2)))
    d.end()
    expect(got.join('')).toBe('日本')
  })

  it('passes a stream that is not multiplexed after all (a TTY) through whole, however it is cut', () => {
    const got: string[] = []
    const d = new FrameDemuxer((s, t) => got.push(`${s}:${t}`))
    d.push(Buffer.from('hello world\n'))
    // A later chunk that happens to look like a frame header is still terminal bytes.
    d.push(Buffer.from('\x01\x00\x00\x00\x00\x00\x00\x02ok'))
    d.end()
    expect(got.join('')).toBe('stdout:hello world\nstdout:\x01\x00\x00\x00\x00\x00\x00\x02ok')
    const short: string[] = []
    const e = new FrameDemuxer((_, t) => short.push(t))
    e.push(Buffer.from('hi'))
    e.end()
    expect(short.join('')).toBe('hi')
  })
})

describe('step output', () => {
  it('gives plain text terminal line ends', () => {
    expect(toTerminal('a\nb\r\nc')).toBe('a\r\nb\r\nc')
  })

  it('captures stdout instead of showing it, as $(...) does; stderr still shows', () => {
    const shown: string[] = []
    const out = new StepOutput({ write: t => shown.push(t), onInput: () => () => {}, onResize: () => () => {} }, true)
    out.out('abc123\n')
    out.err('warning\n')
    expect(out.stdout).toBe('abc123')
    expect(shown).toEqual(['warning\r\n'])
  })
})
