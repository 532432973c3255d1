/** The deck as the status message shows it: what a window needs to draw the controls. Pure. */
import type { Deck, Demo, Step } from '../deck/model.ts'
import { formatProblem } from '../deck/model.ts'
import type { DemoSummary, StatusMessage, StepSummary } from '../protocol.ts'

export function summarizeStep(step: Step): StepSummary {
  return {
    index: step.index,
    command: step.command,
    prompt: step.prompt,
    target: step.target.kind,
    line: step.loc.line,
    ...(step.options.online ? { online: true } : {}),
    ...(step.options.shownOnly !== undefined ? { shownOnly: step.options.shownOnly } : {}),
    ...(step.options.expectFail !== undefined ? { expectFail: step.options.expectFail } : {}),
    ...(step.opensTerminal ? { interactive: true } : {}),
  }
}

export function summarizeDemo(demo: Demo): DemoSummary {
  return {
    id: demo.id,
    ...(demo.title !== undefined ? { title: demo.title } : {}),
    uses: demo.uses,
    steps: demo.steps.map(summarizeStep),
    file: demo.loc.file,
    line: demo.loc.line,
    ...(demo.slide !== undefined ? { slide: demo.slide } : {}),
  }
}

export function summarizeDeck(deck: Deck): StatusMessage['deck'] {
  return { file: deck.file, demos: deck.demos.map(summarizeDemo), problems: deck.problems.map(formatProblem) }
}
