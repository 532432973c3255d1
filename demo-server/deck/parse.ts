/**
 * Reads a Slidev deck into its demos: `<DockerDemo id="...">` blocks holding shell fences.
 * Pure (text in, model out) and built on markdown-it, so the line numbers are markdown's own.
 */
import { parseSync } from '@slidev/parser'
import MarkdownIt from 'markdown-it'
import type { CliSpecs } from '../docker-cli/cli-flags/cli-spec.ts'
import type { Deck, DeckProblem, Demo, SourceLocation } from './model.ts'
import { demoFilePathProblem, normalizeDemoFilePath } from './files.ts'
import type { SourceLine } from './steps.ts'
import { parseDuration, parseSteps } from './steps.ts'

const OPEN_TAG = /<DockerDemo\b([^>]*?)\/?>/
const CLOSE_TAG = /<\/DockerDemo\s*>/
const ATTRIBUTE = /([:@]?[\w-]+)\s*=\s*"([^"]*)"/g
const ID = /^[a-z0-9][a-z0-9-]*$/
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console', 'shellsession', 'zsh'])
const KNOWN_ATTRIBUTES = new Set(['id', 'uses', 'title', 'class', 'typing'])
/** Slidev's code block title: ```dockerfile [app/Dockerfile] {2,3} */
const FENCE_TITLE = /\[([^\]]*)\]/

const markdown = new MarkdownIt({ html: true })

interface OpenDemo {
  demo: Demo
  lines: SourceLine[]
  /** Already reported as malformed: "no steps" would only repeat it. */
  malformed?: boolean
}

/** `clis`: the specs of the programs that will run the steps, to read which step enters a
 *  container; without one a fallback that knows only the terminal commands' boolean flags is used. */
export function parseDeck(source: string, file: string, clis: CliSpecs = {}): Deck {
  const demos: Demo[] = []
  const problems: DeckProblem[] = []
  const at = (line: number): SourceLocation => ({ file, line })
  let open: OpenDemo | undefined
  /** An opening tag too broken to read was reported; its closing tag is not a second problem. */
  let swallowClose = false

  const close = () => {
    if (!open)
      return
    const { steps, problems: stepProblems } = parseSteps(open.demo.id, open.lines, clis)
    open.demo.steps = steps
    problems.push(...stepProblems)
    if (steps.length === 0 && !open.malformed)
      problems.push({ loc: open.demo.loc, message: `demo "${open.demo.id}" has no steps: put a \`\`\`sh fence inside <DockerDemo>, with blank lines around it` })
    demos.push(open.demo)
    open = undefined
  }

  // Slidev's frontmatter blocks are plain markdown to markdown-it; only html and fences matter.
  for (const token of markdown.parse(source, {})) {
    const line = (token.map?.[0] ?? 0) + 1
    if (token.type === 'html_block' || token.type === 'html_inline' || token.type === 'inline') {
      // Comments may mention <DockerDemo> without being one (speaker notes, fixtures).
      const content = token.content.replace(/<!--[\s\S]*?-->/g, comment => comment.replace(/[^\n]/g, ' '))
      const openMatch = OPEN_TAG.exec(content)
      if (openMatch) {
        const openLine = line + content.slice(0, openMatch.index).split('\n').length - 1
        if (open) {
          problems.push({ loc: at(openLine), message: `<DockerDemo> opened inside demo "${open.demo.id}" (line ${open.demo.loc.line}): close it with </DockerDemo> first` })
          close()
        }
        const demo = readAttributes(openMatch[1], at(openLine), problems)
        swallowClose = !demo
        if (demo) {
          open = { demo, lines: [] }
          open.malformed = content.includes('```')
          if (open.malformed)
            problems.push({ loc: at(openLine), message: `leave a blank line after <DockerDemo id="${demo.id}"> so that the code fence inside is markdown` })
          if (openMatch[0].endsWith('/>'))
            close()
        }
      }
      if (CLOSE_TAG.test(content)) {
        if (open)
          close()
        else if (swallowClose)
          swallowClose = false
        else if (!openMatch)
          problems.push({ loc: at(line), message: '</DockerDemo> without an opening <DockerDemo id="...">' })
      }
    }
    else if (token.type === 'fence' && open) {
      const lang = token.info.trim().split(/[\s{[]/)[0]
      const title = FENCE_TITLE.exec(token.info)
      if (title) {
        addFile(open.demo, title[1], token.content, line, problems, at)
        continue
      }
      if (!SHELL_LANGS.has(lang)) {
        problems.push({ loc: at(line), message: `the fence in demo "${open.demo.id}" is "${lang || '(no language)'}"; write \`\`\`sh for steps, or name the file it holds: \`\`\`${lang || 'text'} [path/in/workdir]` })
        continue
      }
      const contentLines = token.content.replace(/\n$/, '').split('\n')
      contentLines.forEach((text, index) => open!.lines.push({ text, loc: at(line + 1 + index) }))
    }
  }
  if (open) {
    problems.push({ loc: open.demo.loc, message: `<DockerDemo id="${open.demo.id}"> is never closed: add </DockerDemo> after its code fence` })
    close()
  }
  numberSlides(source, file, demos)
  return { file, demos, problems }
}

/** The slide each demo is on, numbered as Slidev numbers them (its own parser: separators,
 *  per-slide frontmatter), so a presenter can go there (`/12`). Slides a deck imports with
 *  `src:` are not counted: such a deck's numbers are its own file's. */
function numberSlides(source: string, file: string, demos: Demo[]): void {
  let slides: { start: number, end: number }[]
  try {
    slides = parseSync(source, file).slides
  }
  catch {
    return // Slidev reports its own parse errors; the demos still work without a number
  }
  for (const demo of demos) {
    const index = slides.findIndex(slide => demo.loc.line - 1 >= slide.start && demo.loc.line - 1 <= slide.end)
    if (index !== -1)
      demo.slide = index + 1
  }
}

function readAttributes(text: string, loc: SourceLocation, problems: DeckProblem[]): Demo | undefined {
  const attributes = new Map<string, string>()
  for (const [, name, value] of text.matchAll(ATTRIBUTE))
    attributes.set(name, value)
  for (const name of attributes.keys()) {
    if (!KNOWN_ATTRIBUTES.has(name))
      problems.push({ loc, message: `unknown <DockerDemo> attribute "${name}" (known: ${[...KNOWN_ATTRIBUTES].join(', ')})` })
  }
  const id = attributes.get('id')
  if (!id) {
    problems.push({ loc, message: '<DockerDemo> needs an id, e.g. <DockerDemo id="volume-share">' })
    return undefined
  }
  if (!ID.test(id))
    problems.push({ loc, message: `demo id "${id}" must be lower case letters, digits and "-"` })
  const uses = (attributes.get('uses') ?? '').split(/\s+/).filter(Boolean)
  const typing = attributes.get('typing')
  const typingMs = typing === undefined ? undefined : parseDuration(typing)
  if (typing !== undefined && (typingMs === undefined || typingMs > 1000))
    problems.push({ loc, message: `typing="${typing}" must be a delay per character such as 30ms (at most 1s)` })
  return { id, title: attributes.get('title'), uses, steps: [], files: [], loc, ...(typingMs !== undefined && typingMs <= 1000 ? { typingMs } : {}) }
}

function addFile(demo: Demo, written: string, content: string, line: number, problems: DeckProblem[], at: (line: number) => SourceLocation): void {
  const problem = demoFilePathProblem(written)
  if (problem) {
    problems.push({ loc: at(line), message: `file "${written}" in demo "${demo.id}": ${problem}` })
    return
  }
  const path = normalizeDemoFilePath(written)
  const earlier = demo.files.find(f => f.path === path)
  if (earlier) {
    problems.push({ loc: at(line), message: `file "${path}" is already written in demo "${demo.id}" on line ${earlier.line}; merge the two fences or rename one` })
    return
  }
  demo.files.push({ path, content, line })
}
