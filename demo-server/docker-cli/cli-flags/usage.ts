/**
 * How many operands a command takes, read from its Usage lines (`docker rm [OPTIONS] CONTAINER
 * [CONTAINER...]`). The CLI's own argument rules are not printed; the Usage line is what it
 * promises its users, and it is what the deck check holds a step to. Pure.
 */

export interface OperandRule {
  min: number
  /** null: any number. */
  max: number | null
  /** Flags stop after this many operands: the rest is a command run inside (`run IMAGE
   *  [COMMAND] [ARG...]`, `exec CONTAINER COMMAND [ARG...]`), flags included. */
  commandAfter?: number
}

/** The rule for a command from its usage lines (several lines: any of them may be followed). */
export function operandRule(usage: readonly string[], path: readonly string[]): OperandRule {
  const rules = usage.map(line => ruleOfLine(line, path))
  if (rules.length === 0)
    return { min: 0, max: null }
  const rule: OperandRule = {
    min: Math.min(...rules.map(r => r.min)),
    max: rules.some(r => r.max === null) ? null : Math.max(...rules.map(r => r.max as number)),
  }
  const commandAfter = rules.find(r => r.commandAfter !== undefined)?.commandAfter
  if (commandAfter !== undefined)
    rule.commandAfter = commandAfter
  return rule
}

function ruleOfLine(line: string, path: readonly string[]): OperandRule {
  const items = topLevelItems(line.replace(/\s*\|\s*/g, '|'))
  // cobra writes the program (`docker container ls ...`), docopt starts at the command (`up ...`).
  let start = /^docker(?:-compose)?$/.test(items[0] ?? '') ? 1 : 0
  for (const word of path) {
    if (items[start] === word)
      start += 1
  }
  const rule: OperandRule = { min: 0, max: 0 }
  let positional = 0
  for (const item of items.slice(start)) {
    const optional = item.startsWith('[') && item.endsWith(']')
    const inner = optional ? item.slice(1, -1) : item
    // Options are checked against the option table: `[OPTIONS]`, docopt's `[options]`, `[--]`
    // and the options it spells out (`[-e KEY=VAL...]`).
    if (/^options$/i.test(inner) || inner.startsWith('-'))
      continue
    if (inner === 'COMMAND' && rule.commandAfter === undefined)
      rule.commandAfter = positional
    // `[ARG...]`, `CONTAINER...`, or `[ps OPTIONS]` (whatever ps takes): any number.
    if (inner.includes('...') || /\s/.test(inner))
      rule.max = null
    else if (rule.max !== null)
      rule.max += 1
    if (!optional)
      rule.min += 1
    positional += 1
  }
  return rule
}

/** Splits at spaces outside brackets: `docker port CONTAINER [PRIVATE_PORT[/PROTO]]`. */
function topLevelItems(line: string): string[] {
  const items: string[] = []
  let depth = 0
  let current = ''
  for (const ch of line.trim()) {
    if (ch === '[')
      depth += 1
    else if (ch === ']')
      depth = Math.max(0, depth - 1)
    if (/\s/.test(ch) && depth === 0) {
      if (current)
        items.push(current)
      current = ''
    }
    else {
      current += ch
    }
  }
  if (current)
    items.push(current)
  return items
}
