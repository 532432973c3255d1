/**
 * The shell-integration marks of the demo's shell (FinalTerm / OSC 133, as VS Code, iTerm2,
 * WezTerm and Windows Terminal read them; rc.ts emits them): `ESC ] 133 ; A BEL` prompt start,
 * `B` prompt end, `C` the typed line runs, `D ; N` it ended with status N. BEL or `ESC \` ends
 * one. The scanner takes terminal output as it comes, in chunks that may split a mark anywhere,
 * and returns the text without the marks, with the marks between. No mark ever reaches a slide,
 * a recording or a handout. Pure.
 */

export type ShellMark =
  | { kind: 'A' }
  | { kind: 'B' }
  | { kind: 'C' }
  | { kind: 'D', status?: number }

export type MarkedOutput = { text: string } | { mark: ShellMark }

const INTRODUCER = '\x1B]133;'
/** A mark that has not ended after this many characters is not one of ours: it passes as text. */
const MAX_MARK_CHARS = 64

export class MarkScanner {
  #held = ''

  /** The chunk's text and marks in order; a partial mark at its end is held for the next. */
  feed(chunk: string): MarkedOutput[] {
    const data = this.#held + chunk
    this.#held = ''
    const out: MarkedOutput[] = []
    const text = (piece: string) => {
      if (!piece)
        return
      const last = out.at(-1)
      if (last && 'text' in last)
        last.text += piece
      else
        out.push({ text: piece })
    }
    let from = 0
    for (;;) {
      const start = data.indexOf(INTRODUCER, from)
      if (start === -1) {
        const partial = partialIntroducerAt(data, from)
        text(data.slice(from, partial))
        this.#held = data.slice(partial)
        return out
      }
      text(data.slice(from, start))
      const end = terminatorAt(data, start + INTRODUCER.length)
      if (!end) {
        if (data.length - start < MAX_MARK_CHARS) {
          this.#held = data.slice(start)
          return out
        }
        text(INTRODUCER)
        from = start + INTRODUCER.length
        continue
      }
      const mark = readMark(data.slice(start + INTRODUCER.length, end.at))
      if (mark)
        out.push({ mark })
      from = end.at + end.length
    }
  }

  /** Whatever is held back (a partial mark that never ended), as text. */
  flush(): string {
    const held = this.#held
    this.#held = ''
    return held
  }
}

/** Where a trailing prefix of the introducer starts (`ESC`, `ESC ]`, `ESC ] 1`...), or the end. */
function partialIntroducerAt(data: string, from: number): number {
  for (let length = Math.min(INTRODUCER.length - 1, data.length - from); length > 0; length--) {
    if (INTRODUCER.startsWith(data.slice(data.length - length)))
      return data.length - length
  }
  return data.length
}

function terminatorAt(data: string, from: number): { at: number, length: number } | undefined {
  for (let i = from; i < data.length; i++) {
    if (data[i] === '\x07')
      return { at: i, length: 1 }
    if (data[i] === '\x1B')
      // ESC \ ends it; ESC and anything else ends a malformed one, and stays as text.
      return data[i + 1] === '\\' ? { at: i, length: 2 } : i + 1 < data.length ? { at: i, length: 0 } : undefined
  }
  return undefined
}

function readMark(body: string): ShellMark | undefined {
  const [kind, ...params] = body.split(';')
  switch (kind) {
    case 'A': case 'B': case 'C':
      return { kind }
    case 'D': {
      const status = Number.parseInt(params[0] ?? '', 10)
      return Number.isNaN(status) ? { kind: 'D' } : { kind: 'D', status }
    }
    default:
      return undefined
  }
}

/** Text with every OSC 133 mark removed (for output that is already whole). */
export function withoutMarks(text: string): string {
  const scanner = new MarkScanner()
  const pieces = scanner.feed(text)
  return pieces.map(piece => 'text' in piece ? piece.text : '').join('') + scanner.flush()
}
