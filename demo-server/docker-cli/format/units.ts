/**
 * The docker CLI's little formatting helpers (go-units, stringid, formatter.Ellipsis,
 * sortorder.NaturalLess), ported so that our tables read exactly like the CLI's. Pure.
 */

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB']
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB']

/** Go's `fmt.Sprintf("%.*g", precision, x)`: %e or %f by the exponent, trailing zeros dropped. */
export function goFormatG(x: number, precision: number): string {
  if (x === 0)
    return '0'
  const [mantissa, e] = x.toExponential(precision - 1).split('e')
  const exp = Number(e) // after rounding, as Go decides
  const strip = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t)
  if (exp < -4 || exp >= precision)
    return `${strip(mantissa)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
  return strip(x.toFixed(Math.max(0, precision - 1 - exp)))
}

/** go-units `CustomSize`: the largest unit that keeps the number at or above 1. */
function customSize(bytes: number, base: number, units: string[], precision: number): string {
  let size = bytes
  let i = 0
  while (size >= base && i < units.length - 1) {
    size /= base
    i += 1
  }
  return `${goFormatG(size, precision)}${units[i]}`
}

/** go-units `HumanSizeWithPrecision`: units of 1000, e.g. "7MB", "1.42MB", "0B". */
export function humanSize(bytes: number, precision = 3): string {
  return customSize(bytes, 1000, DECIMAL_UNITS, precision)
}

/** go-units `BytesSize`: units of 1024, 4 significant digits ("23.54GiB"). */
export function bytesSize(bytes: number): string {
  return customSize(bytes, 1024, BINARY_UNITS, 4)
}

/** go-units `HumanSize` (precision 4), used by progress bars. */
export function humanSizeLong(bytes: number): string {
  return humanSize(bytes, 4)
}

/** go-units `HumanDuration`: "Less than a second", "5 minutes", "About an hour", "3 days". */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000)
  if (seconds < 1)
    return 'Less than a second'
  if (seconds === 1)
    return '1 second'
  if (seconds < 60)
    return `${seconds} seconds`
  const minutes = Math.trunc(ms / 60_000)
  if (minutes === 1)
    return 'About a minute'
  if (minutes < 60)
    return `${minutes} minutes`
  const hours = Math.trunc(ms / 3_600_000 + 0.5)
  if (hours === 1)
    return 'About an hour'
  if (hours < 48)
    return `${hours} hours`
  if (hours < 24 * 7 * 2)
    return `${Math.trunc(hours / 24)} days`
  if (hours < 24 * 30 * 2)
    return `${Math.trunc(hours / 24 / 7)} weeks`
  if (hours < 24 * 365 * 2)
    return `${Math.trunc(hours / 24 / 30)} months`
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`
}

/** "5 minutes ago", from a moment and now (both ms since the epoch). */
export function timeAgo(thenMs: number, nowMs: number): string {
  return `${humanDuration(Math.max(0, nowMs - thenMs))} ago`
}

/** stringid.TruncateID: drops an "algo:" prefix and keeps 12 characters. */
export function truncateId(id: string): string {
  const colon = id.indexOf(':')
  const bare = colon === -1 ? id : id.slice(colon + 1)
  return bare.slice(0, 12)
}

/** formatter.Ellipsis: at most `max` characters, the last one "…" when cut. */
export function ellipsis(text: string, max: number): string {
  const chars = [...text]
  if (chars.length <= max)
    return text
  if (max <= 0)
    return ''
  return `${chars.slice(0, max - 1).join('')}…`
}

/** sortorder.NaturalLess: digit runs compare as numbers ("vol2" < "vol10"). */
export function naturalCompare(a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const ca = a[i]
    const cb = b[j]
    const da = ca >= '0' && ca <= '9'
    const db = cb >= '0' && cb <= '9'
    if (da && db) {
      let ei = i
      while (ei < a.length && a[ei] >= '0' && a[ei] <= '9') ei++
      let ej = j
      while (ej < b.length && b[ej] >= '0' && b[ej] <= '9') ej++
      const na = a.slice(i, ei).replace(/^0+/, '')
      const nb = b.slice(j, ej).replace(/^0+/, '')
      if (na.length !== nb.length)
        return na.length - nb.length
      if (na !== nb)
        return na < nb ? -1 : 1
      if (ei - i !== ej - j)
        return (ei - i) - (ej - j)
      i = ei
      j = ej
      continue
    }
    if (ca !== cb)
      return ca < cb ? -1 : 1
    i++
    j++
  }
  return (a.length - i) - (b.length - j)
}
