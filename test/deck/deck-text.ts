/** Small readers of slides.md as text, for the deck's own tests. */

export interface SlideText {
  /** 1-based line of the slide's first line in slides.md. */
  line: number
  text: string
}

/** Each line, and whether it belongs to a fenced code block (its opening and closing lines
 *  included). A fence closes only on a marker of its own kind, at least as long. */
function fencedLines(source: string): { line: string, fenced: boolean }[] {
  let fence: string | undefined
  return source.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)
    if (!marker)
      return { line, fenced: fence !== undefined }
    if (!fence)
      fence = marker[1]
    else if (line.trim().startsWith(fence))
      fence = undefined
    return { line, fenced: true }
  })
}

/** Splits a Slidev deck at its `---` separators (outside code fences). Per-slide frontmatter
 *  comes out as a piece of its own; that is good enough for text checks. */
export function slidesOf(source: string): SlideText[] {
  const slides: SlideText[] = []
  let current: string[] = []
  let start = 1
  fencedLines(source).forEach(({ line, fenced }, index) => {
    if (!fenced && line.trimEnd() === '---') {
      slides.push({ line: start, text: current.join('\n') })
      current = []
      start = index + 2
      return
    }
    current.push(line)
  })
  slides.push({ line: start, text: current.join('\n') })
  return slides.filter(slide => slide.text.trim() !== '')
}

/** The text without fenced code blocks and without HTML comments (speaker notes). */
export function textOutsideFences(source: string): string {
  return fencedLines(source)
    .filter(({ fenced }) => !fenced)
    .map(({ line }) => line)
    .join('\n')
    .replace(/<!--[\s\S]*?-->/g, '')
}

/** Markdown headings (`# ...` to `###### ...`) outside code fences, without the hashes. */
export function headingsOf(source: string): string[] {
  return textOutsideFences(source)
    .split('\n')
    .map(line => /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1])
    .filter((heading): heading is string => heading !== undefined)
}
