/**
 * A tiny terminal model for docker output: enough to show `docker run` logs and `docker pull`
 * progress the way a terminal would, as lines of styled spans. Pure: no DOM, no Vue.
 *
 * Handled: `\n` (also returns to column 0, like a tty's onlcr), `\r`, `\r\n`, `\b`, `\t`,
 * SGR colours (16, 256 and true colour; bold, dim, italic, underline, inverse), cursor up/down/
 * left/right/column (`A B C D G`), erase in line (`K`), clear screen (`2J`/`3J`). Any other
 * escape sequence (OSC titles, private modes, charsets) is consumed and dropped. Sequences may be
 * split across chunks.
 */

export interface Span {
  text: string
  /** Inline CSS for the span's colours and attributes; '' for the default style. */
  style: string
}

export type Line = Span[]

/** The usual xterm palette, so output looks as it does in the presenter's own terminal. */
const PALETTE = [
  '#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
  '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff',
]

interface Sgr {
  fg?: string
  bg?: string
  bold?: boolean
  dim?: boolean
  italic?: boolean
  underline?: boolean
  inverse?: boolean
}

function color256(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255)
    return undefined
  if (n < 16)
    return PALETTE[n]
  if (n >= 232) {
    const v = 8 + (n - 232) * 10
    return `rgb(${v},${v},${v})`
  }
  const i = n - 16
  const level = (c: number) => (c === 0 ? 0 : 55 + c * 40)
  return `rgb(${level(Math.floor(i / 36))},${level(Math.floor(i / 6) % 6)},${level(i % 6)})`
}

/** Reads a 38/48 extended colour starting at params[i]; returns the colour and params consumed. */
function extendedColor(params: number[], i: number): [string | undefined, number] {
  if (params[i + 1] === 5)
    return [color256(params[i + 2]), 3]
  if (params[i + 1] === 2) {
    const [r, g, b] = params.slice(i + 2, i + 5)
    const ok = [r, g, b].every(c => Number.isInteger(c) && c >= 0 && c <= 255)
    return [ok ? `rgb(${r},${g},${b})` : undefined, 5]
  }
  return [undefined, 1]
}

function applySgr(current: Sgr, params: number[]): Sgr {
  let s: Sgr = { ...current }
  if (params.length === 0)
    params = [0]
  for (let i = 0; i < params.length; i++) {
    const p = params[i]
    if (p === 0) s = {}
    else if (p === 1) s.bold = true
    else if (p === 2) s.dim = true
    else if (p === 3) s.italic = true
    else if (p === 4) s.underline = true
    else if (p === 7) s.inverse = true
    else if (p === 22) { s.bold = false; s.dim = false }
    else if (p === 23) s.italic = false
    else if (p === 24) s.underline = false
    else if (p === 27) s.inverse = false
    else if (p >= 30 && p <= 37) s.fg = PALETTE[p - 30]
    else if (p >= 90 && p <= 97) s.fg = PALETTE[p - 90 + 8]
    else if (p === 39) s.fg = undefined
    else if (p >= 40 && p <= 47) s.bg = PALETTE[p - 40]
    else if (p >= 100 && p <= 107) s.bg = PALETTE[p - 100 + 8]
    else if (p === 49) s.bg = undefined
    else if (p === 38 || p === 48) {
      const [c, used] = extendedColor(params, i)
      if (p === 38) s.fg = c
      else s.bg = c
      i += used - 1
    }
  }
  return s
}

function sgrToCss(s: Sgr): string {
  let fg = s.fg
  let bg = s.bg
  if (s.inverse) {
    fg = s.bg ?? 'var(--demo-output-bg, #1e1e1e)'
    bg = s.fg ?? 'var(--demo-output-fg, #e5e5e5)'
  }
  const parts: string[] = []
  if (fg) parts.push(`color:${fg}`)
  if (bg) parts.push(`background-color:${bg}`)
  if (s.bold) parts.push('font-weight:bold')
  if (s.dim) parts.push('opacity:0.7')
  if (s.italic) parts.push('font-style:italic')
  if (s.underline) parts.push('text-decoration:underline')
  return parts.join(';')
}

interface Row {
  chars: string[]
  styles: string[]
}

type ParseState = 'text' | 'esc' | 'csi' | 'osc' | 'osc-esc' | 'charset'

export interface TerminalOptions {
  /** Lines kept; older ones scroll away (a long `docker logs` must not grow the page forever). */
  maxLines?: number
  /** Screen height used for cursor-up bounds and `ESC[H` (home). */
  rows?: number
}

export class Terminal {
  private lines: Row[] = [{ chars: [], styles: [] }]
  private row = 0
  private col = 0
  private sgr: Sgr = {}
  private css = ''
  private state: ParseState = 'text'
  private csiBuffer = ''
  private readonly maxLines: number
  private readonly rows: number
  /** Lines dropped from the top because of maxLines. */
  dropped = 0

  constructor(options: TerminalOptions = {}) {
    this.maxLines = options.maxLines ?? 2000
    this.rows = options.rows ?? 24
  }

  write(data: string): void {
    for (const ch of data)
      this.feed(ch)
  }

  private feed(ch: string): void {
    switch (this.state) {
      case 'text':
        return this.text(ch)
      case 'esc':
        if (ch === '[') { this.state = 'csi'; this.csiBuffer = '' }
        else if (ch === ']') this.state = 'osc'
        else if (ch === '(' || ch === ')' || ch === '*' || ch === '+') this.state = 'charset'
        else this.state = 'text' // ESC 7, ESC 8, ESC =, ESC M ...: dropped
        return
      case 'charset':
        this.state = 'text'
        return
      case 'osc':
        if (ch === '\x07') this.state = 'text'
        else if (ch === '\x1B') this.state = 'osc-esc'
        return
      case 'osc-esc':
        this.state = ch === '\\' ? 'text' : 'osc'
        return
      case 'csi': {
        const code = ch.charCodeAt(0)
        if (code >= 0x40 && code <= 0x7E) {
          this.state = 'text'
          this.csi(this.csiBuffer, ch)
        }
        else if (this.csiBuffer.length < 64) {
          this.csiBuffer += ch
        }
        else {
          this.state = 'text' // runaway sequence: give up on it rather than eat the output
        }
      }
    }
  }

  private text(ch: string): void {
    switch (ch) {
      case '\x1B': this.state = 'esc'; return
      case '\n': this.newline(); return
      case '\r': this.col = 0; return
      case '\b': this.col = Math.max(0, this.col - 1); return
      case '\t': {
        const stop = (Math.floor(this.col / 8) + 1) * 8
        while (this.col < stop) this.put(' ')
        return
      }
    }
    if (ch.charCodeAt(0) < 0x20 || ch === '\x7F')
      return // other C0 controls (bell, shift in/out): invisible
    this.put(ch)
  }

  private put(ch: string): void {
    const line = this.lines[this.row]
    while (line.chars.length < this.col) {
      line.chars.push(' ')
      line.styles.push('')
    }
    line.chars[this.col] = ch
    line.styles[this.col] = this.css
    this.col++
  }

  private newline(): void {
    this.row++
    this.col = 0
    this.ensureRow()
  }

  private ensureRow(): void {
    while (this.lines.length <= this.row)
      this.lines.push({ chars: [], styles: [] })
    const excess = this.lines.length - this.maxLines
    if (excess > 0) {
      this.lines.splice(0, excess)
      this.row -= excess
      this.dropped += excess
    }
  }

  private csi(body: string, final: string): void {
    if (/^[?>=!]/.test(body))
      return // private modes (cursor visibility, bracketed paste): nothing to show
    const params = body === '' ? [] : body.split(';').map(p => (p === '' ? 0 : Number.parseInt(p, 10)))
    const n = Math.max(1, params[0] || 1)
    const top = Math.max(0, this.lines.length - this.rows)
    switch (final) {
      case 'm':
        this.sgr = applySgr(this.sgr, params.map(p => (Number.isNaN(p) ? 0 : p)))
        this.css = sgrToCss(this.sgr)
        return
      case 'A': this.row = Math.max(top, this.row - n); return
      case 'B': this.row += n; this.ensureRow(); return
      case 'C': this.col += n; return
      case 'D': this.col = Math.max(0, this.col - n); return
      case 'G': this.col = n - 1; return
      case 'H':
      case 'f':
        this.row = top + Math.max(1, params[0] || 1) - 1
        this.col = Math.max(1, params[1] || 1) - 1
        this.ensureRow()
        return
      case 'K': return this.eraseInLine(params[0] || 0)
      case 'J':
        if (params[0] === 2 || params[0] === 3) {
          this.lines = [{ chars: [], styles: [] }]
          this.row = 0
          this.col = 0
        }
    }
  }

  private eraseInLine(mode: number): void {
    const line = this.lines[this.row]
    if (mode === 0) {
      line.chars.length = Math.min(line.chars.length, this.col)
      line.styles.length = line.chars.length
    }
    else if (mode === 1) {
      for (let i = 0; i <= this.col && i < line.chars.length; i++) {
        line.chars[i] = ' '
        line.styles[i] = ''
      }
    }
    else if (mode === 2) {
      line.chars.length = 0
      line.styles.length = 0
    }
  }

  /** The screen as lines of spans; adjacent cells with the same style are merged. */
  toLines(): Line[] {
    const out = this.lines.map((line) => {
      const spans: Span[] = []
      for (let i = 0; i < line.chars.length; i++) {
        const last = spans[spans.length - 1]
        if (last && last.style === line.styles[i]) last.text += line.chars[i]
        else spans.push({ text: line.chars[i], style: line.styles[i] })
      }
      return spans
    })
    // A trailing newline leaves an empty last line that a terminal would show only as a cursor.
    if (out.length > 1 && out[out.length - 1].length === 0)
      out.pop()
    return out
  }

  toText(): string {
    return this.toLines().map(spans => spans.map(s => s.text).join('')).join('\n')
  }
}

/** A terminal that has been fed a complete output, in one string or chunk by chunk. */
function terminalAfter(data: string | readonly string[], options?: TerminalOptions): Terminal {
  const term = new Terminal(options)
  for (const chunk of typeof data === 'string' ? [data] : data)
    term.write(chunk)
  return term
}

/** One-shot rendering of a complete output. */
export function renderAnsi(data: string | readonly string[], options?: TerminalOptions): Line[] {
  return terminalAfter(data, options).toLines()
}

/** The visible text of an output, escapes applied; what a viewer would read. */
export function ansiToText(data: string | readonly string[], options?: TerminalOptions): string {
  return terminalAfter(data, options).toText()
}
