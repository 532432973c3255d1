/**
 * Each recorded step's final output as HTML with its colours, for the printed handout: the
 * step's events go through a headless xterm.js (the same emulator the slides use, so `\r`
 * progress, cursor moves and wide characters end up as they did on screen) and its serialize
 * addon writes the HTML. Text stays text, so the PDF is searchable.
 *
 * Long outputs keep their first and last lines, with one row saying how many were cut.
 */
import type { RecordedStep } from './cast-file.ts'
import headless from '@xterm/headless'
import serialize from '@xterm/addon-serialize'

// Both packages ship CommonJS for Node (their "module" entries are browser builds).
const { Terminal } = headless
const { SerializeAddon } = serialize

/** Rows a step keeps in print: a handout page has room for a few steps of this size. */
export const HANDOUT_MAX_ROWS = 12
/** Of those, the rows kept from the end (where results and errors are). */
export const HANDOUT_TAIL_ROWS = 4

export interface HandoutStep {
  index: number
  prompt: string
  command: string
  outcome: string
  exitCode?: number | null
  /** The output rows as HTML (`<div>` per row), the cut marked by `.demo-handout-cut`. */
  html: string
  /** How many rows were cut from the middle; 0 when none. */
  cut: number
}

/** Keeps the first and last rows of `rows`, with a marker row between when any are cut. */
export function cutRows(rows: string[], maxRows = HANDOUT_MAX_ROWS, tailRows = HANDOUT_TAIL_ROWS): { rows: string[], cut: number } {
  if (rows.length <= maxRows)
    return { rows, cut: 0 }
  const head = maxRows - tailRows - 1
  const cut = rows.length - head - tailRows
  return {
    rows: [...rows.slice(0, head), `<div class="demo-handout-cut">… ${cut} 行省略 (${cut} lines cut) …</div>`, ...rows.slice(rows.length - tailRows)],
    cut,
  }
}

/** The serialize addon's rows: one `<div>` of `<span>`s each, inside its wrapper. */
function htmlRows(html: string): string[] {
  return html.match(/<div><span>.*?<\/span><\/div>/gs) ?? []
}

function isBlankRow(row: string): boolean {
  return row.replace(/<[^>]*>/g, '').trim() === ''
}

async function write(term: InstanceType<typeof Terminal>, data: string): Promise<void> {
  return new Promise(resolve => term.write(data, resolve))
}

/** One step's output, as it stood when the step ended. */
export async function renderStep(step: RecordedStep, cols: number): Promise<HandoutStep> {
  const term = new Terminal({ cols, rows: 24, scrollback: 5000, allowProposedApi: true })
  const addon = new SerializeAddon()
  term.loadAddon(addon)
  try {
    // A step's output opens with the shell's prompt and echo; one that printed nothing (refused
    // before its line was typed) still shows which line it was.
    if (step.events.length === 0)
      await write(term, `\x1B[32m${step.prompt}\x1B[0m${step.command.replaceAll('\n', '\r\n')}\r\n`)
    for (const [, , data] of step.events)
      await write(term, data)
    const rows = htmlRows(addon.serializeAsHTML())
    while (rows.length > 0 && isBlankRow(rows[rows.length - 1]))
      rows.pop()
    const kept = cutRows(rows)
    return {
      index: step.index,
      prompt: step.prompt,
      command: step.command,
      outcome: step.outcome,
      exitCode: step.exitCode,
      html: kept.rows.join(''),
      cut: kept.cut,
    }
  }
  finally {
    term.dispose()
  }
}

export async function renderHandout(steps: RecordedStep[], cols: number): Promise<HandoutStep[]> {
  const out: HandoutStep[] = []
  for (const step of steps)
    out.push(await renderStep(step, cols))
  return out
}
