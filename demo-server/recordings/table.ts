/**
 * Tables in the recordings report, laid out as the docker CLI lays out its own (Go's
 * text/tabwriter with `tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)`): a column is as wide as its widest cell plus 3,
 * at least 10; the last cell of a row is not padded. Widths count runes, as Go does. Pure.
 */

const MIN_WIDTH = 10
const PADDING = 3

/** Rows of cells (the header first) -> lines joined by "\n", with a trailing "\n". */
export function formatTable(rows: string[][]): string {
  if (rows.length === 0)
    return ''
  const columns = Math.max(...rows.map(r => r.length))
  const widths: number[] = []
  for (let c = 0; c < columns - 1; c++) {
    let width = MIN_WIDTH
    for (const row of rows) {
      if (c < row.length - 1)
        width = Math.max(width, runeLength(row[c]) + PADDING)
    }
    widths.push(width)
  }
  return rows.map((row) => {
    let line = ''
    row.forEach((cell, c) => {
      line += c === row.length - 1 ? cell : cell + ' '.repeat(widths[c] - runeLength(cell))
    })
    return `${line}\n`
  }).join('')
}

function runeLength(text: string): number {
  return [...text].length
}
