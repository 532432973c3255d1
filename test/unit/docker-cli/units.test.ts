import { describe, expect, it } from 'vitest'
import { formatTable } from '../../../demo-server/docker-cli/format/table'
import { ellipsis, goFormatG, humanDuration, humanSize, naturalCompare, timeAgo, truncateId } from '../../../demo-server/docker-cli/format/units'

describe('sizes, as go-units prints them (units of 1000, 3 significant digits)', () => {
  it.each([
    [0, '0B'],
    [561, '561B'],
    [1000, '1kB'],
    [1_420_000, '1.42MB'],
    [7_000_000, '7MB'],
    [1_990_000, '1.99MB'],
    [46_490_000, '46.5MB'],
    [999_900, '1e+03kB'],
    [2_500_000_000, '2.5GB'],
  ])('%d -> %s', (bytes, text) => {
    expect(humanSize(bytes)).toBe(text)
  })

  it('formats like Go %g', () => {
    expect(goFormatG(123.456, 3)).toBe('123')
    expect(goFormatG(0.5, 3)).toBe('0.5')
    expect(goFormatG(3.375, 4)).toBe('3.375')
    expect(goFormatG(1234.5, 3)).toBe('1.23e+03')
  })
})

describe('durations, as go-units HumanDuration', () => {
  it.each([
    [500, 'Less than a second'],
    [1000, '1 second'],
    [2000, '2 seconds'],
    [59_999, '59 seconds'],
    [60_000, 'About a minute'],
    [5 * 60_000, '5 minutes'],
    [59 * 60_000, '59 minutes'],
    [60 * 60_000, 'About an hour'],
    [3 * 3_600_000, '3 hours'],
    [47 * 3_600_000, '47 hours'],
    [3 * 86_400_000, '3 days'],
    [20 * 86_400_000, '2 weeks'],
    [90 * 86_400_000, '3 months'],
    [800 * 86_400_000, '2 years'],
  ])('%d ms -> %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text)
  })

  it('says "ago"', () => {
    expect(timeAgo(0, 5 * 60_000)).toBe('5 minutes ago')
  })
})

describe('ids, ellipsis and natural order', () => {
  it('truncates ids to 12 and drops the algorithm', () => {
    expect(truncateId('sha256:3c6dac2d0fb8aaaaaaaa')).toBe('3c6dac2d0fb8')
    expect(truncateId('34c2ac212f2d8f4821f1cd')).toBe('34c2ac212f2d')
  })

  it('cuts with "…" counting it as one character', () => {
    expect(ellipsis('docker-entrypoint.sh nginx', 20)).toBe('docker-entrypoint.s…')
    expect(ellipsis('sleep infinity', 20)).toBe('sleep infinity')
  })

  it('orders digit runs as numbers', () => {
    expect(['vol10', 'vol2', 'a', 'vol1'].sort(naturalCompare)).toEqual(['a', 'vol1', 'vol2', 'vol10'])
  })
})

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
