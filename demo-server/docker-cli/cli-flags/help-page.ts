/**
 * Reads one page of `docker ... --help` output: its Usage lines, Aliases, the commands it lists
 * and the options it takes. Pure (text in, data out), so the pages captured from real CLIs
 * under test/fixtures/docker-help/ test it without a CLI.
 *
 * The layout is cobra's help template with pflag's option table, as both the 20.10 and the
 * 28.x CLIs print it: a section starts with an unindented `Title:` line, entries are indented,
 * and a value-taking option shows its type after the name (`-e, --env list`), a boolean none.
 * Compose v1's docopt pages are close enough to read the same way: their usage lines start at
 * the command (`up [options] [SERVICE...]`), and a value is a placeholder (`-p, --project-name
 * NAME`, `--index=index`), sometimes one space from the description.
 */

export interface HelpOption {
  /** `--env`; absent for an option with only a shorthand. */
  long?: string
  /** `-e` */
  short?: string
  takesValue: boolean
}

export interface HelpCommand {
  name: string
  /** Listed with a `*`: a CLI plugin (`compose*`), not built into the CLI. */
  plugin: boolean
}

export interface HelpPage {
  /** Each usage line without the leading `Usage:`, e.g. `docker run [OPTIONS] IMAGE [COMMAND] [ARG...]`. */
  usage: string[]
  /** Other spellings of this command's last word in the same parent (`ps`, `list` for `container ls`). */
  aliases: string[]
  /** Subcommands, from every `...Commands:` section. */
  commands: HelpCommand[]
  /** From `Options:` and `Global Options:`. */
  options: HelpOption[]
}

const SECTION = /^(\S[^:]*):\s*$/
/** `--name`, then a value: `=value`, a word set apart from the description by two spaces, or
 *  (docopt) a placeholder in capitals or <brackets> just before a one-space description. */
const OPTION = /^ {2,6}(?:-([A-Za-z0-9]),\s+)?--([A-Za-z0-9][\w-]*)(?:=(\S+)| (\S+)(?=\s{2,}|$)| ([A-Z][\w=.-]*|<[^>]+>)(?= ))?(?:\s|$)/
const SHORT_ONLY_OPTION = /^ {2,6}-([A-Za-z0-9])(?: ([^\s-]\S*))?(?:\s{2,}|$)/
const COMMAND = /^\s{2}([a-z][\w-]*)(\*?)(?:\s{2,}|$)/

/** Parses the page; `path` is the command it documents (e.g. ['container', 'ls']), used to
 *  read the 28.x form of Aliases (`docker container ls, docker container list, docker ps`). */
export function parseHelpPage(text: string, path: readonly string[]): HelpPage {
  const page: HelpPage = { usage: [], aliases: [], commands: [], options: [] }
  let section = ''
  let usageIndent: number | undefined
  for (const line of text.replace(/\r/g, '').split('\n')) {
    if (line.trim() === '')
      continue
    if (line.startsWith('Usage:')) {
      section = 'usage'
      const usage = line.slice('Usage:'.length).trim()
      if (usage)
        page.usage.push(usage)
      continue
    }
    const heading = SECTION.exec(line)
    if (heading) {
      section = heading[1].toLowerCase()
      continue
    }
    if (!/^\s/.test(line)) {
      section = '' // the description, or a closing "Run 'docker COMMAND --help'" line
      continue
    }
    if (section === 'usage') {
      // Another usage; or (docopt) the rest of the one above, indented deeper than the first.
      const indent = /^\s*/.exec(line)![0].length
      usageIndent ??= indent
      if (indent > usageIndent && page.usage.length > 0)
        page.usage[page.usage.length - 1] += ` ${line.trim()}`
      else
        page.usage.push(line.trim())
    }
    else if (section === 'aliases')
      page.aliases.push(...readAliases(line, path))
    else if (section.endsWith('commands'))
      readCommand(line, page)
    else if (section.endsWith('options') || section === 'flags')
      readOption(line, page)
  }
  return page
}

function readAliases(line: string, path: readonly string[]): string[] {
  const parent = path.slice(0, -1).join(' ')
  const own = path.at(-1)
  const words: string[] = []
  for (const entry of line.split(',').map(s => s.trim()).filter(Boolean)) {
    const parts = entry.split(/\s+/)
    // 20.10 lists bare words (`ls, ps, list`); 28.x full commands, some under another parent
    // (`docker ps` for `docker container ls`): those are commands of their own in that parent.
    const word = parts.length === 1
      ? parts[0]
      : parts[0] === 'docker' && parts.slice(1, -1).join(' ') === parent ? parts.at(-1) : undefined
    if (word && word !== own && !words.includes(word))
      words.push(word)
  }
  return words
}

function readCommand(line: string, page: HelpPage): void {
  const match = COMMAND.exec(line)
  if (match && !page.commands.some(c => c.name === match[1]))
    page.commands.push({ name: match[1], plugin: match[2] === '*' })
}

function readOption(line: string, page: HelpPage): void {
  const long = OPTION.exec(line)
  if (long) {
    const option: HelpOption = { long: `--${long[2]}`, takesValue: (long[3] ?? long[4] ?? long[5]) !== undefined }
    if (long[1])
      option.short = `-${long[1]}`
    page.options.push(option)
    return
  }
  const short = SHORT_ONLY_OPTION.exec(line)
  if (short)
    page.options.push({ short: `-${short[1]}`, takesValue: short[2] !== undefined })
}
