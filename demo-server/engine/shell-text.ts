/**
 * Reading a container shell's terminal output, pure: is its prompt back, has the echo of a
 * typed line caught up, what is still a partial line. Used by demo-shell.ts, which types the
 * deck's `/ # ...` lines into the program a line started (a program's prompt carries no marks).
 */

/** CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL|ST`), charset and two-byte escapes, and C0
 *  controls other than tab, line feed and carriage return. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /\x1B\[[0-?]*[ -/]*[@-~]|\x1B\][^\x07\x1B]*(?:\x07|\x1B\\)|\x1B[()][0-9A-Za-z]|\x1B[0-9=>@-Z\\-_]|[\x00-\x08\x0B\x0C\x0E-\x1A\x1C-\x1F\x7F]/g

export function stripTerminalControls(text: string): string {
  return text.replace(CONTROLS, '')
}

/** What a terminal shows on the cursor's line: after the last line feed and carriage return. */
export function currentLine(text: string): string {
  const plain = stripTerminalControls(text)
  const line = plain.slice(plain.lastIndexOf('\n') + 1)
  return line.slice(line.lastIndexOf('\r') + 1)
}

/** A shell prompt as the deck writes them (`/ # `, `~ # `, `/app # `, `user@host:~$ `): the line
 *  ends with `#`, `$`, `%` or `>` and one space. */
const PROMPT_END = /[#$%>] $/

export function endsWithShellPrompt(text: string): boolean {
  return PROMPT_END.test(currentLine(text))
}

/** Splits output into what may be shown now (whole lines) and a trailing partial line, held back
 *  because it may be the prompt the next line is typed after (that step shows it). */
export function splitPartialLine(text: string): { lines: string, partial: string } {
  const end = text.lastIndexOf('\n') + 1
  return { lines: text.slice(0, end), partial: text.slice(end) }
}

/** Whether the echo of a typed line has caught up: its last few characters are on screen. */
export function echoCaughtUp(echo: string, typed: string): boolean {
  const tail = typed.slice(-8)
  // A wrapping line can be redrawn with controls and line feeds in between: compare plain text.
  return stripTerminalControls(echo).replace(/[\r\n]/g, '').includes(tail)
}
