import { describe, expect, it } from 'vitest'
import { formatTable } from '../../../demo-server/recordings/table'

describe('tables, as the CLI tabwriter (min width 10, padding 3)', () => {
  it('pads every column but the last', () => {
    expect(formatTable([['DRIVER', 'VOLUME NAME'], ['local', 'vol']])).toBe('DRIVER    VOLUME NAME\nlocal     vol\n')
  })

  it('widens a column to its widest cell plus 3', () => {
    expect(formatTable([['CONTAINER ID', 'NAMES'], ['34c2ac212f2d', 'co1']])).toBe('CONTAINER ID   NAMES\n34c2ac212f2d   co1\n')
  })

  it('counts runes, not UTF-16 units', () => {
    expect(formatTable([['A', 'B'], ['…', 'x']])).toBe('A         B\n…         x\n')
  })
})
