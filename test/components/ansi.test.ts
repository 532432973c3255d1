import { describe, expect, it } from 'vitest'
import { ansiToText, renderAnsi, Terminal } from '../../components/ansi'
import { PullProgressRenderer } from '../../demo-server/docker-cli/format/images'

describe('ansi: text and line endings', () => {
  it('keeps plain output, dropping the final newline a terminal shows only as a cursor', () => {
    expect(ansiToText('hello\n')).toBe('hello')
    expect(ansiToText('a\nb\n\nc')).toBe('a\nb\n\nc')
  })

  it('treats \\r\\n (tty output) like \\n', () => {
    expect(ansiToText('one\r\ntwo\r\n')).toBe('one\ntwo')
  })

  it('overwrites the line on a bare \\r, as pull progress does', () => {
    expect(ansiToText('Downloading 10%\rDownloading 55%\rDownloaded     \n')).toBe('Downloaded     ')
    // A shorter rewrite leaves the tail, exactly as a terminal would...
    expect(ansiToText('abcdef\rxy')).toBe('xycdef')
    // ...unless the writer erases the rest of the line.
    expect(ansiToText('abcdef\rxy\x1B[K')).toBe('xy')
  })

  it('handles escapes split across chunks', () => {
    expect(renderAnsi(['\x1B', '[3', '1mred\x1B[', '0m ok'])).toEqual([
      [{ text: 'red', style: 'color:#cd3131' }, { text: ' ok', style: '' }],
    ])
  })

  it('applies multi-line docker pull progress (cursor up, erase line)', () => {
    const term = new Terminal()
    term.write('a1: Pulling fs layer\r\n')
    term.write('b2: Pulling fs layer\r\n')
    term.write('\x1B[2A\x1B[2K\ra1: Downloading [=>   ]\r\x1B[2B')
    term.write('\x1B[1A\x1B[2K\rb2: Pull complete\r\x1B[1B')
    term.write('\x1B[2A\x1B[2K\ra1: Pull complete\r\x1B[2B')
    term.write('Status: Downloaded newer image\r\n')
    expect(term.toText()).toBe('a1: Pull complete\nb2: Pull complete\nStatus: Downloaded newer image')
  })

  it('expands tabs, applies backspace, drops OSC titles, private modes and bells', () => {
    expect(ansiToText('a\tb')).toBe('a       b')
    expect(ansiToText('abc\b\bX')).toBe('aXc')
    expect(ansiToText('\x1B]0;title\x07\x1B[?25lvisible\x07\x1B[?25h\x1B(B')).toBe('visible')
  })

  it('clears the screen on ESC[2J', () => {
    expect(ansiToText('old\nstuff\x1B[H\x1B[2Jnew')).toBe('new')
  })

  it('keeps Japanese text intact', () => {
    expect(ansiToText('こんにちは\r\n')).toBe('こんにちは')
  })

  it('drops the oldest lines beyond maxLines', () => {
    const term = new Terminal({ maxLines: 3 })
    term.write('1\n2\n3\n4\n5')
    expect(term.toText()).toBe('3\n4\n5')
    expect(term.dropped).toBe(2)
  })
})

describe('ansi: SGR', () => {
  it('merges adjacent cells of one style and resets on 0', () => {
    expect(renderAnsi('\x1B[1;32mok\x1B[0m done')).toEqual([
      [{ text: 'ok', style: 'color:#0dbc79;font-weight:bold' }, { text: ' done', style: '' }],
    ])
  })

  it('supports bright, 256 and true colours and backgrounds', () => {
    const [line] = renderAnsi('\x1B[91ma\x1B[38;5;196mb\x1B[38;2;1;2;3;48;5;21mc\x1B[39;49md')
    expect(line.map(s => s.style)).toEqual([
      'color:#f14c4c',
      'color:rgb(255,0,0)',
      'color:rgb(1,2,3);background-color:rgb(0,0,255)',
      '',
    ])
  })

  it('ignores nonsense parameters instead of throwing', () => {
    expect(ansiToText('\x1B[38;5;999mx\x1B[;;mY\x1B[99999999Az')).toBe('xYz')
  })
})

describe('ansi: the demo server\'s own docker pull progress', () => {
  it('ends with one line per layer, each showing its last status', () => {
    const renderer = new PullProgressRenderer(120)
    const term = new Terminal()
    const send = (message: Parameters<typeof renderer.render>[0]) => term.write(renderer.render(message).replace(/\n/g, '\r\n'))
    send({ status: 'Pulling from library/python', id: 'latest' })
    send({ status: 'Pulling fs layer', id: 'aaa111', progressDetail: {} })
    send({ status: 'Pulling fs layer', id: 'bbb222', progressDetail: {} })
    for (const current of [1000, 500_000, 1_000_000])
      send({ status: 'Downloading', id: 'aaa111', progressDetail: { current, total: 1_000_000 } })
    send({ status: 'Downloading', id: 'bbb222', progressDetail: { current: 10, total: 2_000_000 } })
    send({ status: 'Pull complete', id: 'aaa111', progressDetail: {} })
    send({ status: 'Pull complete', id: 'bbb222', progressDetail: {} })
    send({ status: 'Digest: sha256:0123' })
    send({ status: 'Status: Downloaded newer image for python:latest' })
    expect(term.toText().split('\n').map(l => l.trimEnd())).toEqual([
      'latest: Pulling from library/python',
      'aaa111: Pull complete',
      'bbb222: Pull complete',
      'Digest: sha256:0123',
      'Status: Downloaded newer image for python:latest',
    ])
  })
})
