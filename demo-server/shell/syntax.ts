/**
 * A line of a demo, read the way bash reads it: mvdan/sh's parser (the npm package mvdan-sh; why
 * this one: README.md here) turns it into a syntax tree, and this module turns that tree into the
 * plain model every other part reads (ShellScript): each simple command with its words, inside
 * pipelines, lists, loops, functions and `$(...)` alike; the variables it sets and uses; its
 * comments. A line that does not parse gets bash's own wording and a column. Pure.
 */
import sh from 'mvdan-sh'
import type { Node, ParseError, Parser } from 'mvdan-sh'

const { syntax } = sh

/** 1-based, in the text that was parsed; `column` counts characters, not bytes. */
export interface ShellPosition {
  line: number
  column: number
}

export interface ShellWord {
  /** As written, quotes included. */
  text: string
  /** What bash passes on when nothing in the word expands (quotes and backslashes removed);
   *  undefined for a word with `$X`, `$(...)`, a backquote, `~` or an arithmetic expansion. */
  value?: string
  at: ShellPosition
}

/** A simple command: `NAME=value ... program words...`. */
export interface ShellCommand {
  /** The program first; empty for a line of assignments only (`X=$(docker ps -q)`). */
  words: ShellWord[]
  /** `NAME` of each `NAME=value` written before the program. */
  assignments: string[]
  at: ShellPosition
}

export interface VariableUse {
  name: string
  at: ShellPosition
  /** `${X:-default}`, `${X+alt}`, `${X:=value}`, `${!X}`: fine when X is unset. */
  guarded: boolean
}

export interface ShellComment {
  /** Without the `#`. */
  text: string
  at: ShellPosition
  /** Character offset of the `#` in the parsed text. */
  offset: number
}

export interface ShellScript {
  /** Every simple command, in the order written, at any depth. */
  commands: ShellCommand[]
  /** Variables the script sets: assignments, export/declare/local/readonly/typeset, for and
   *  select loops, read, mapfile/readarray, printf -v, getopts. */
  sets: string[]
  uses: VariableUse[]
  /** Functions it defines. */
  functions: string[]
  comments: ShellComment[]
}

export interface ShellSyntaxError {
  at: ShellPosition
  /** As bash words it (`syntax error near unexpected token \`)'`). */
  message: string
  /** The text ends before the command does: more lines would complete it (an open quote,
   *  `for ... do` without `done`, a heredoc without its end). */
  incomplete: boolean
}

export type ShellParse =
  | { ok: true, script: ShellScript }
  | { ok: false, error: ShellSyntaxError }

export type ShellDialect = 'bash' | 'posix'

const parsers: Partial<Record<ShellDialect, Parser>> = {}

function parserFor(dialect: ShellDialect): Parser {
  return parsers[dialect] ??= syntax.NewParser(
    syntax.KeepComments(true),
    syntax.Variant(dialect === 'bash' ? syntax.LangBash : syntax.LangPOSIX),
  )
}

/** Parses `text` as one script: `bash` for the demo's shell, `posix` for a line typed into a
 *  container's shell (busybox ash, dash). */
export function parseShell(text: string, dialect: ShellDialect = 'bash'): ShellParse {
  const bytes = Buffer.from(text, 'utf8')
  let file: Node
  try {
    file = parserFor(dialect).Parse(text, 'line')
  }
  catch (thrown) {
    const error = thrown as ParseError
    if (typeof error?.Text !== 'string')
      throw thrown
    // The parser calls a heredoc without its end line complete when the text ends with a line
    // end; more lines would still end it.
    const incomplete = error.Incomplete || error.Text.startsWith('unclosed here-document')
    return { ok: false, error: {
      at: positionAt(bytes, error.Pos.Offset()),
      message: bashWording(error.Text, incomplete),
      incomplete,
    } }
  }
  return { ok: true, script: readTree(file, bytes) }
}

function readTree(file: Node, bytes: Buffer): ShellScript {
  const script: ShellScript = { commands: [], sets: [], uses: [], functions: [], comments: [] }
  const sliceOf = (node: Node) => bytes.subarray(node.Pos().Offset(), node.End().Offset()).toString('utf8')
  const at = (node: Node) => positionAt(bytes, node.Pos().Offset())
  const set = (name: string | undefined) => {
    if (name && !script.sets.includes(name))
      script.sets.push(name)
  }
  syntax.Walk(file, (node) => {
    if (!node)
      return true
    switch (syntax.NodeType(node)) {
      case 'CallExpr': {
        const words = (node.Args as Node[]).map(word => readWord(word, sliceOf, at))
        const assignments = (node.Assigns as Node[]).map(assign => assign.Name?.Value as string).filter(Boolean)
        assignments.forEach(set)
        script.commands.push({ words, assignments, at: at(node) })
        setsOfBuiltin(words).forEach(set)
        break
      }
      case 'DeclClause':
        for (const assign of node.Args as Node[])
          set(assign.Name?.Value)
        break
      case 'WordIter':
        set(node.Name?.Value)
        break
      case 'FuncDecl':
        if (!script.functions.includes(node.Name.Value))
          script.functions.push(node.Name.Value)
        break
      case 'ParamExp': {
        const name = node.Param?.Value as string | undefined
        if (name)
          script.uses.push({ name, at: at(node), guarded: node.Excl === true || (node.Exp != null && guardingOperators().has(node.Exp.Op)) })
        break
      }
      case 'Comment':
        script.comments.push({ text: node.Text, at: positionAt(bytes, node.Hash.Offset()), offset: charOffset(bytes, node.Hash.Offset()) })
        break
    }
    return true
  })
  return script
}

function readWord(word: Node, sliceOf: (node: Node) => string, at: (node: Node) => ShellPosition): ShellWord {
  const value = literalValue(word.Parts as Node[])
  return { text: sliceOf(word), ...(value !== undefined ? { value } : {}), at: at(word) }
}

/** The value of a word without expansions, as bash removes quotes; undefined when it expands. */
function literalValue(parts: Node[], inDoubleQuotes = false): string | undefined {
  let value = ''
  for (const [index, part] of parts.entries()) {
    switch (syntax.NodeType(part)) {
      case 'Lit': {
        const text = part.Value as string
        if (!inDoubleQuotes && index === 0 && text.startsWith('~'))
          return undefined
        value += inDoubleQuotes ? text.replace(/\\([$`"\\\n])/g, '$1') : text.replace(/\\(.)/gs, (_, c: string) => (c === '\n' ? '' : c))
        break
      }
      case 'SglQuoted':
        if (part.Dollar)
          return undefined // $'...' escapes: leave them to bash
        value += part.Value as string
        break
      case 'DblQuoted': {
        const inner = literalValue(part.Parts as Node[], true)
        if (inner === undefined || part.Dollar)
          return undefined
        value += inner
        break
      }
      default:
        return undefined
    }
  }
  return value
}

/** Variables that `read`, `mapfile`, `printf -v` and `getopts` set. */
function setsOfBuiltin(words: ShellWord[]): string[] {
  const [program, ...args] = words.map(word => word.value)
  const names = (list: Array<string | undefined>) => list.filter((name): name is string => name !== undefined && /^[A-Za-z_]\w*$/.test(name))
  switch (program) {
    case 'read': {
      const found: Array<string | undefined> = []
      for (let i = 0; i < args.length; i++) {
        const arg = args[i] ?? ''
        if (/^-[a-zA-Z]*[adinNptu]$/.test(arg)) {
          if (arg.endsWith('a'))
            found.push(args[i + 1])
          i += 1
        }
        else if (!arg.startsWith('-')) {
          found.push(arg)
        }
      }
      return found.length > 0 ? names(found) : ['REPLY']
    }
    case 'mapfile': case 'readarray': {
      const operands = args.filter((arg, i) => !arg?.startsWith('-') && !/^-[dnOsuCc]$/.test(args[i - 1] ?? ''))
      return operands.length > 0 ? names(operands.slice(-1)) : ['MAPFILE']
    }
    case 'printf': {
      const v = args.indexOf('-v')
      return v === -1 ? [] : names([args[v + 1]])
    }
    case 'getopts':
      return names([args[1]])
    default:
      return []
  }
}

let guarding: Set<unknown> | undefined

/** The operator codes of `${X-a}`, `${X:-a}`, `${X+a}`, `${X:+a}`, `${X=a}`, `${X:=a}`, read
 *  from the parser itself rather than copied from its source. */
function guardingOperators(): Set<unknown> {
  if (!guarding) {
    guarding = new Set()
    for (const op of ['-', ':-', '+', ':+', '=', ':=']) {
      syntax.Walk(parserFor('bash').Parse(`: \${X${op}a}`, 'op'), (node) => {
        if (node && syntax.NodeType(node) === 'ParamExp' && node.Exp)
          guarding!.add(node.Exp.Op)
        return true
      })
    }
  }
  return guarding
}

function positionAt(bytes: Buffer, byteOffset: number): ShellPosition {
  const before = bytes.subarray(0, byteOffset).toString('utf8')
  const lineStart = before.lastIndexOf('\n') + 1
  return { line: before.split('\n').length, column: [...before.slice(lineStart)].length + 1 }
}

function charOffset(bytes: Buffer, byteOffset: number): number {
  return bytes.subarray(0, byteOffset).toString('utf8').length
}

/** mvdan/sh's messages in bash's words, where bash has words for the case. */
export function bashWording(text: string, incomplete: boolean): string {
  let match: RegExpExecArray | null
  if ((match = /^reached EOF without closing quote (.)$/.exec(text)))
    return `unexpected EOF while looking for matching \`${match[1]}'`
  if ((match = /^reached EOF without matching \S+ with (\S+)$/.exec(text)))
    return `unexpected EOF while looking for matching \`${match[1]}'`
  if ((match = /^unclosed here-document '(.*)'$/.exec(text)))
    return `here-document delimited by end-of-file (wanted \`${match[1]}')`
  if ((match = /^"?([^\s"]+)"? can only (?:be used|immediately follow)/.exec(text)) || (match = /encountered (\S+)$/.exec(text)))
    return `syntax error near unexpected token \`${match[1]}'`
  if (/must be followed by a word$/.test(text))
    return 'syntax error near unexpected token `newline\''
  if (incomplete)
    return `syntax error: unexpected end of file (${text})`
  return `syntax error: ${text}`
}
