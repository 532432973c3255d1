/**
 * A POSIX-shell-like tokenizer for one docker command line, as the audience would type it.
 * It knows quotes, backslashes, `$VAR`, `${VAR}` and `$(pwd)`, and refuses anything a shell would
 * do that a demo step must not (pipes, redirects, other command substitutions), by name.
 */

export class TokenizeError extends Error {
  constructor(message: string, readonly column: number) {
    super(message)
    this.name = 'TokenizeError'
  }
}

export interface TokenizeContext {
  /** Value of `$NAME`; undefined means "not defined" and is an error. */
  variable: (name: string) => string | undefined
  /** Value of `$(pwd)`. */
  pwd: () => string
}

/** For reading a line's structure before it runs: `$VAR` stays as written, and `$(pwd)` is an
 *  absolute-looking placeholder, so that `-v $(pwd)/x:/y` still reads as a bind mount. */
export const AS_WRITTEN: TokenizeContext = {
  variable: name => `$${name}`,
  pwd: () => '/$(pwd)',
}

const OPERATORS = new Set(['|', '&', ';', '<', '>', '`'])

/** Why the operator at `at` cannot be, and what a presenter writes instead. */
function operatorProblem(text: string, at: number): string {
  const operator = /^(?:&&|\|\||>>|2>&1|[|&;<>`])/.exec(text.slice(at))?.[0] ?? text[at]
  const instead = operator === '>' || operator === '>>' || operator === '<'
    ? 'write files with the command\'s own option (docker save -o FILE, docker load -i FILE, docker export -o FILE), or run the redirection in a "host$" step'
    : operator === '&&' || operator === ';' || operator === '||'
      ? 'write each command as a step of its own'
      : 'run the pipeline in a "host$" step, or inside the container (sh -c "...")'
  return `shell operator "${operator}" is not supported in a docker step, which runs one command without a shell: ${instead}`
}

export function tokenize(line: string, context: TokenizeContext): string[] {
  const tokens: string[] = []
  let current = ''
  let inToken = false
  let i = 0

  const expandDollar = (): string => {
    // At line[i] === '$'
    const start = i
    const next = line[i + 1]
    if (next === '(') {
      const close = line.indexOf(')', i + 2)
      const inner = close === -1 ? '' : line.slice(i + 2, close).trim()
      if (close === -1)
        throw new TokenizeError('unbalanced "$(": no closing ")"', start)
      if (inner !== 'pwd')
        throw new TokenizeError(`command substitution "$(${inner})" is not supported; only "$(pwd)" is`, start)
      i = close + 1
      return context.pwd()
    }
    let name: string
    if (next === '{') {
      const close = line.indexOf('}', i + 2)
      if (close === -1)
        throw new TokenizeError('unbalanced "${": no closing "}"', start)
      name = line.slice(i + 2, close)
      i = close + 1
    }
    else {
      const match = /^[A-Za-z_]\w*/.exec(line.slice(i + 1))
      if (!match) {
        i += 1
        return '$'
      }
      name = match[0]
      i += 1 + name.length
    }
    if (!/^[A-Za-z_]\w*$/.test(name))
      throw new TokenizeError(`"\${${name}}" is not a variable name`, start)
    const value = context.variable(name)
    if (value === undefined)
      throw new TokenizeError(`$${name} is not defined by an earlier step (write ${name}=$(docker ...) first)`, start)
    return value
  }

  while (i < line.length) {
    const ch = line[i]
    if (ch === ' ' || ch === '\t') {
      if (inToken) {
        tokens.push(current)
        current = ''
        inToken = false
      }
      i += 1
      continue
    }
    inToken = true
    if (ch === '\'') {
      const close = line.indexOf('\'', i + 1)
      if (close === -1)
        throw new TokenizeError('unbalanced single quote', i)
      current += line.slice(i + 1, close)
      i = close + 1
    }
    else if (ch === '"') {
      const start = i
      i += 1
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
          current += line[i + 1]
          i += 2
        }
        else if (line[i] === '$') {
          current += expandDollar()
        }
        else if (line[i] === '`') {
          throw new TokenizeError('backquote command substitution is not supported', i)
        }
        else {
          current += line[i]
          i += 1
        }
      }
      if (i >= line.length)
        throw new TokenizeError('unbalanced double quote', start)
      i += 1
    }
    else if (ch === '\\') {
      if (i + 1 < line.length)
        current += line[i + 1]
      i += 2
    }
    else if (ch === '$') {
      current += expandDollar()
    }
    else if (OPERATORS.has(ch)) {
      throw new TokenizeError(operatorProblem(line, i), i)
    }
    else {
      current += ch
      i += 1
    }
  }
  if (inToken)
    tokens.push(current)
  return tokens
}

/** Checks that quotes balance in a command that runs under `sh -c` (host and container steps). */
export function checkQuotes(line: string): void {
  let quote: string | null = null
  let opened = 0
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quote === '\'') {
      if (ch === '\'')
        quote = null
    }
    else if (quote === '"') {
      if (ch === '\\')
        i += 1
      else if (ch === '"')
        quote = null
    }
    else if (ch === '\\') {
      i += 1
    }
    else if (ch === '\'' || ch === '"') {
      quote = ch
      opened = i
    }
  }
  if (quote)
    throw new TokenizeError(`unbalanced ${quote === '"' ? 'double' : 'single'} quote`, opened)
}
