/**
 * The subset of Go's text/template that `docker inspect --format` decks use:
 * `{{.A.B}}`, `{{.}}`, `{{json .A}}`, `{{index .A "key"}}` and `{{println ...}}`, between
 * literal text. Values print as Go prints decoded JSON (maps as `map[k:v]`, lists as `[a b]`).
 * Anything else is refused when the template is parsed, before any effect. Pure.
 */
import { goJson } from './json.ts'

export class TemplateError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TemplateError'
  }
}

type Arg = { kind: 'path', path: string[] } | { kind: 'string', value: string }
type Action = { fn: 'print' | 'json' | 'index' | 'println', args: Arg[] }
type Part = string | Action

export interface Template {
  source: string
  parts: Part[]
}

const NO_VALUE = '<no value>'

export function parseTemplate(source: string): Template {
  const parts: Part[] = []
  let rest = source
  while (rest.length > 0) {
    const open = rest.indexOf('{{')
    if (open === -1) {
      parts.push(rest)
      break
    }
    if (open > 0)
      parts.push(rest.slice(0, open))
    const close = rest.indexOf('}}', open)
    if (close === -1)
      throw new TemplateError(`template: unclosed action in ${JSON.stringify(source)}`)
    let inner = rest.slice(open + 2, close)
    let trimLeft = false
    let trimRight = false
    if (inner.startsWith('- ')) { trimLeft = true; inner = inner.slice(2) }
    if (inner.endsWith(' -')) { trimRight = true; inner = inner.slice(0, -2) }
    if (trimLeft && typeof parts.at(-1) === 'string')
      parts[parts.length - 1] = (parts.at(-1) as string).trimEnd()
    parts.push(parseAction(inner.trim(), source))
    rest = rest.slice(close + 2)
    if (trimRight)
      rest = rest.trimStart()
  }
  return { source, parts }
}

function parseAction(text: string, source: string): Action {
  const words = splitWords(text, source)
  if (words.length === 0)
    throw new TemplateError(`template: missing value for command in ${JSON.stringify(source)}`)
  const [head, ...rest] = words
  const fn = head.startsWith('.') ? 'print' : head
  if (fn !== 'print' && fn !== 'json' && fn !== 'index' && fn !== 'println')
    throw new TemplateError(`template: "${head}" is not supported here; use {{.Field.Path}}, {{json .Field}} or {{index .Field "key"}}`)
  const args = (fn === 'print' ? words : rest).map(w => parseArg(w, source))
  if (fn === 'print' && args.length !== 1)
    throw new TemplateError(`template: can't give argument to non-function ${words[0]}`)
  if (fn === 'json' && args.length !== 1)
    throw new TemplateError(`template: json needs one argument, e.g. {{json .Mounts}}`)
  if (fn === 'index' && (args.length < 2 || args[0].kind !== 'path'))
    throw new TemplateError(`template: index needs a value and keys, e.g. {{index .Config.Labels "key"}}`)
  return { fn, args }
}

function splitWords(text: string, source: string): string[] {
  const words: string[] = []
  const re = /\s*("(?:[^"\\]|\\.)*"|[^\s"]+)/gy
  let match: RegExpExecArray | null
  while ((match = re.exec(text)) !== null) {
    words.push(match[1])
    if (re.lastIndex >= text.length)
      break
  }
  if (words.join('').length === 0 && text.trim() !== '')
    throw new TemplateError(`template: cannot read ${JSON.stringify(text)} in ${JSON.stringify(source)}`)
  return words
}

function parseArg(word: string, source: string): Arg {
  if (word.startsWith('"'))
    return { kind: 'string', value: JSON.parse(word) as string }
  if (word === '.')
    return { kind: 'path', path: [] }
  if (/^(\.[A-Za-z_]\w*)+$/.test(word))
    return { kind: 'path', path: word.slice(1).split('.') }
  throw new TemplateError(`template: "${word}" is not a field path like .State.Status (in ${JSON.stringify(source)})`)
}

function lookup(data: unknown, path: string[]): unknown {
  let value = data
  for (const key of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

function evalArg(data: unknown, arg: Arg): unknown {
  return arg.kind === 'string' ? arg.value : lookup(data, arg.path)
}

/** Go's `fmt.Print` of a value decoded from JSON. */
export function goPrint(value: unknown): string {
  if (value === undefined)
    return NO_VALUE
  if (value === null)
    return '<nil>'
  if (Array.isArray(value))
    return `[${value.map(goPrint).join(' ')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `map[${entries.map(([k, v]) => `${k}:${goPrint(v)}`).join(' ')}]`
  }
  return String(value)
}

export function executeTemplate(template: Template, data: unknown): string {
  let out = ''
  for (const part of template.parts) {
    if (typeof part === 'string') {
      out += part
      continue
    }
    const values = part.args.map(arg => evalArg(data, arg))
    switch (part.fn) {
      case 'print':
        out += goPrint(values[0])
        break
      case 'json':
        out += goJson(values[0] === undefined ? null : values[0])
        break
      case 'println':
        out += `${values.map(goPrint).join(' ')}\n`
        break
      case 'index': {
        let value = values[0]
        for (const key of values.slice(1)) {
          if (value === null || value === undefined)
            throw new TemplateError(`template: error calling index: index of untyped nil`)
          value = Array.isArray(value) ? value[Number(key)] : (value as Record<string, unknown>)[String(key)]
        }
        // A missing map key prints the map's zero value: "" for labels.
        out += value === undefined ? '' : goPrint(value)
        break
      }
    }
  }
  return out
}
