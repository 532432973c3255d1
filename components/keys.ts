/**
 * Keys a presenter presses in an interactive run, as the bytes a terminal would send. Text
 * (letters, IME input, paste) arrives through the input element's `input` event instead; this
 * covers what has no text: Enter, Backspace, arrows, Ctrl combinations. Pure.
 */

export interface KeyLike {
  key: string
  ctrlKey?: boolean
  altKey?: boolean
  metaKey?: boolean
  isComposing?: boolean
}

const SPECIAL: Record<string, string> = {
  Enter: '\r',
  Backspace: '\x7F',
  Tab: '\t',
  Escape: '\x1B',
  ArrowUp: '\x1B[A',
  ArrowDown: '\x1B[B',
  ArrowRight: '\x1B[C',
  ArrowLeft: '\x1B[D',
  Home: '\x1B[H',
  End: '\x1B[F',
  Delete: '\x1B[3~',
  PageUp: '\x1B[5~',
  PageDown: '\x1B[6~',
}

/** The bytes for a non-text key, or undefined to let the key through (text, Cmd shortcuts). */
export function keyToInput(e: KeyLike): string | undefined {
  if (e.isComposing || e.metaKey)
    return undefined
  if (e.ctrlKey && !e.altKey && e.key.length === 1) {
    const code = e.key.toUpperCase().charCodeAt(0)
    if (code >= 0x40 && code <= 0x5F) // @ A-Z [ \ ] ^ _
      return String.fromCharCode(code - 0x40)
    return undefined
  }
  const special = SPECIAL[e.key]
  if (special)
    return e.altKey ? `\x1B${special}` : special
  if (e.altKey && !e.ctrlKey && e.key.length === 1)
    return `\x1B${e.key}`
  return undefined
}
