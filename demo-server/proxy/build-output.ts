/**
 * The classic builder shows each label of a build's `labels` parameter as a step of its own
 * (`Step 5/7 : LABEL org.docker-demo.deck=...`), after the Dockerfile's. The proxy adds the
 * deck's labels that way (rewrite.ts, labelBuildQuery), so this filter takes those steps out of
 * the answer and counts the rest as the presenter's Dockerfile has them: a build prints what it
 * prints at home. The answer is JSON messages, one per line (`{"stream":"Step 1/7 : FROM x"}`);
 * a message is read whole before it is passed on or dropped. BuildKit's answer (version=2)
 * carries no steps and passes unchanged. Pure.
 */
import { LABEL_PREFIX } from '../engine/labels.ts'

const STEP = /^Step (\d+)\/(\d+) : (.*)$/s
const OURS = `LABEL ${LABEL_PREFIX}.`
const LINE_END = '\r\n'

export class BuildOutputFilter {
  #partial = ''
  #hiding = false

  /** `ourSteps`: how many labels of ours the builder appended as steps. */
  constructor(private readonly ourSteps: number) {}

  /** The part of `chunk` to pass on now (whole messages, ours left out). */
  push(chunk: string): string {
    const text = this.#partial + chunk
    const end = text.lastIndexOf(LINE_END)
    if (end === -1) {
      this.#partial = text
      return ''
    }
    this.#partial = text.slice(end + LINE_END.length)
    return text.slice(0, end).split(LINE_END).map(line => this.#message(line)).filter(line => line !== undefined).map(line => line + LINE_END).join('')
  }

  /** What is left at the end of the answer. */
  end(): string {
    const rest = this.#partial
    this.#partial = ''
    return rest && this.#message(rest) !== undefined ? rest : ''
  }

  #message(line: string): string | undefined {
    let message: { stream?: unknown }
    try {
      message = JSON.parse(line) as { stream?: unknown }
    }
    catch {
      return line
    }
    if (typeof message.stream !== 'string')
      return line
    const step = STEP.exec(message.stream)
    if (step) {
      this.#hiding = step[3].startsWith(OURS)
      if (this.#hiding)
        return undefined
      const total = Math.max(Number(step[1]), Number(step[2]) - this.ourSteps)
      return JSON.stringify({ ...message, stream: `Step ${step[1]}/${total} : ${step[3]}` })
    }
    if (this.#hiding && !message.stream.startsWith('Successfully'))
      return undefined
    this.#hiding = false
    return line
  }
}
