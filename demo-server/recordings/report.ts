/** What a rehearsal prints: the progress bar, one line per demo, the summary table. Pure. */
import type { RunOutcome } from '../protocol.ts'
import { formatTable } from './table.ts'
import type { DemoResult, RehearsalReport } from './rehearsal.ts'

const GREEN = '\x1B[32m'
const RED = '\x1B[31m'
const YELLOW = '\x1B[33m'
const RESET = '\x1B[0m'

export function formatSeconds(seconds: number): string {
  if (seconds < 60)
    return `${seconds.toFixed(1)} s`
  const whole = Math.round(seconds)
  return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`
}

/** `[#######.............]  12/98 steps` */
export function progressBar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.min(width, Math.round((done / total) * width))
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total} steps`
}

const OUTCOME_WORDS: Partial<Record<RunOutcome, [string, string]>> = {
  'ok': ['ok', 'ok'],
  'expected-failure': ['expected failure', 'expected failures'],
}

/** "7 ok, 1 expected failure, 1 online skipped offline" / "FAILED at step 3 (failed, exit 1)" */
export function describeResult(result: DemoResult): string {
  if (!result.green) {
    const failed = result.runs.find(run => run.ended.outcome !== 'ok' && run.ended.outcome !== 'expected-failure' && run.ended.outcome !== 'skipped')
    if (failed === undefined)
      return 'FAILED (see below)'
    const exit = failed.ended.exitCode === null ? '' : `, exit ${failed.ended.exitCode}`
    return `FAILED at step ${failed.ended.step} (${failed.ended.outcome}${exit})`
  }
  const parts: string[] = []
  for (const [outcome, [one, many]] of Object.entries(OUTCOME_WORDS)) {
    const n = result.runs.filter(run => run.ended.outcome === outcome).length
    if (n > 0)
      parts.push(`${n} ${n === 1 ? one : many}`)
  }
  if (result.skippedOnline > 0)
    parts.push(`${result.skippedOnline} online skipped offline`)
  if (result.skippedShownOnly > 0)
    parts.push(`${result.skippedShownOnly} shown only`)
  return parts.join(', ')
}

export function describeRecording(result: DemoResult): string {
  switch (result.recording) {
    case 'new':
      return 'new'
    case 'unchanged':
      return 'unchanged'
    case 'changed':
      return result.changedSteps && result.changedSteps.length > 0
        ? `changed (step${result.changedSteps.length === 1 ? '' : 's'} ${result.changedSteps.join(', ')})`
        : 'changed (engine, stand-ins or terminal size)'
    case 'not-written':
      return 'not written (kept the old one)'
  }
}

/** One line per finished demo, for a log that is not a terminal. */
export function demoLine(result: DemoResult): string {
  const busy = result.foreign.length > 0 ? `; engine also had ${result.foreign.join(', ')}` : ''
  return `${result.green ? 'ok    ' : 'FAILED'} ${result.demo.id}: ${describeResult(result)}; ${formatSeconds(result.seconds)}; recording ${describeRecording(result)}${busy}`
}

/** The table, then what went wrong (with deck lines), then the totals. */
export function formatSummary(report: RehearsalReport, color: boolean): string {
  const paint = (text: string, code: string) => color ? `${code}${text}${RESET}` : text
  const rows = [['DEMO', 'STEPS', 'RESULT', 'DURATION', 'RECORDING']]
  for (const result of report.results)
    rows.push([result.demo.id, String(result.demo.steps.length), describeResult(result), formatSeconds(result.seconds), describeRecording(result)])
  const lines = formatTable(rows).trimEnd().split('\n')
  const table = lines.map((line, i) => i === 0 ? line : paint(line, report.results[i - 1].green ? GREEN : RED))

  const red = report.results.filter(r => !r.green)
  const problems = red.map(r => paint(r.problem ?? `${r.demo.loc.file}:${r.demo.loc.line}: demo "${r.demo.id}" failed`, RED))
  const online = report.results.reduce((n, r) => n + r.skippedOnline, 0)
  const kinds = (kind: DemoResult['recording']) => report.results.filter(r => r.recording === kind).length
  const totals = [
    `${report.results.length} demo${report.results.length === 1 ? '' : 's'}: ${report.results.length - red.length} green, ${red.length} red`,
    online > 0 ? `${online} online step${online === 1 ? '' : 's'} skipped (offline)` : '',
    `recordings: ${kinds('new')} new, ${kinds('changed')} changed, ${kinds('unchanged')} unchanged${kinds('not-written') > 0 ? `, ${kinds('not-written')} not written` : ''}`,
    formatSeconds(report.seconds),
  ].filter(Boolean).join('; ')
  const busy = report.results.filter(r => r.foreign.length > 0)
  const foreignNames = [...new Set(busy.flatMap(r => r.foreign))]
  const warning = busy.length === 0
    ? []
    : [paint(`warning: containers this deck did not create were on the engine during ${busy.length} demo${busy.length === 1 ? '' : 's'} (${busy.map(r => r.demo.id).join(', ')}): ${foreignNames.slice(0, 5).join(', ')}${foreignNames.length > 5 ? ', ...' : ''}. Their \`docker ps\` / \`docker info\` output may show them: rehearse those again on a quiet engine.`, YELLOW), '']
  const next = red.length > 0
    ? `Fix the steps above, then: npm run rehearse -- ${red.length === 1 ? `--only ${red[0].demo.id}` : `--from ${red[0].demo.id}`}`
    : ''
  return [...table, '', ...problems, ...(problems.length > 0 ? [''] : []), ...warning, paint(totals, red.length > 0 ? RED : GREEN), next].filter((line, i, all) => line !== '' || i < all.length - 1).join('\n')
}

/** 0 when every demo is green, 1 when any step is red. */
export function exitCodeOf(report: RehearsalReport): number {
  return report.results.every(r => r.green) ? 0 : 1
}
