/**
 * What the deck check says about a deck's recordings: stale ones (a step's command changed,
 * a step was added or removed since the rehearsal), corrupt ones, orphans, and, on request,
 * missing ones. Pure: the recordings are read by store.ts, the deck by demo-server/deck/.
 */
import path from 'node:path'
import type { Deck } from '../deck/model.ts'
import { summarizeDemo } from '../server/summary.ts'
import { describeStale, rehearseCommand, staleSteps } from './cast-file.ts'
import type { RecordingRead } from './store.ts'

export interface RecordingFinding {
  severity: 'warning' | 'error'
  /** `slides.md:LINE: ...`, ready to print. */
  message: string
}

export interface FreshnessOptions {
  /** A demo without a recording is an error (default: not reported). */
  requireRecordings?: boolean
  /** How file names are shown, e.g. relative to the working directory. */
  show?: (file: string) => string
  /** Where the recording of a demo would be (store.ts recordingPath). */
  pathOf: (demoId: string) => string
}

const rehearseOnly = (demoId: string) => `run ${rehearseCommand([demoId])}`

export function recordingFindings(deck: Deck, recordings: ReadonlyMap<string, RecordingRead>, options: FreshnessOptions): RecordingFinding[] {
  const show = options.show ?? (file => file)
  const findings: RecordingFinding[] = []
  for (const demo of deck.demos) {
    const at = (line: number) => `${demo.loc.file}:${line}`
    const read = recordings.get(demo.id)
    if (read === undefined) {
      if (options.requireRecordings && demo.steps.length > 0)
        findings.push({ severity: 'error', message: `${at(demo.loc.line)}: demo "${demo.id}" has no recording ${show(options.pathOf(demo.id))} — ${rehearseOnly(demo.id)}` })
      continue
    }
    if (!read.ok) {
      findings.push({ severity: 'error', message: `${at(demo.loc.line)}: recording ${show(read.file)} cannot be read: ${read.error.message.replace(`${read.file}`, show(read.file))} — ${rehearseOnly(demo.id)}` })
      continue
    }
    const steps = summarizeDemo(demo).steps
    for (const stale of staleSteps(read.recording, steps)) {
      const line = demo.steps.find(s => s.index === stale.index)?.loc.line ?? demo.loc.line
      findings.push({ severity: 'warning', message: `${at(line)}: recording ${show(read.file)} is stale: ${describeStale(stale)} — ${rehearseOnly(demo.id)}` })
    }
  }
  const ids = new Set(deck.demos.map(d => d.id))
  for (const [demoId, read] of recordings) {
    if (!ids.has(demoId))
      findings.push({ severity: 'warning', message: `${deck.file}: recording ${show(read.file)} belongs to no demo of ${path.basename(deck.file)} (renamed or removed?): delete it, or rename it to the demo's new id` })
  }
  return findings
}
