/**
 * `npm run check [-- deck.md] [--require-recordings]`: validates a deck's demos without an
 * engine, against the programs that will run them (the docker CLI, and compose v1 for
 * `docker-compose` lines: docker-cli/which-cli.ts), whose flags are read from their help pages
 * once per version (docker-cli/cli-flags/cache.ts). Prints each problem as `file:LINE: message` and exits 1 if
 * there is any. Recordings (demo-server/recordings/) are checked too: a stale one is a warning,
 * a corrupt one an error, a missing one an error only with --require-recordings.
 */
import path from 'node:path'
import process from 'node:process'
import { checkDeck } from '../deck/check.ts'
import { DEFAULT_DECK } from '../deck/load.ts'
import { loadDeckWithClis } from '../deck/load-checked.ts'
import { formatProblem } from '../deck/model.ts'
import { readShellFacts } from '../shell/facts.ts'
import { recordingFindings } from '../recordings/freshness.ts'
import { readRecordings, recordingPath } from '../recordings/store.ts'

async function main(args: string[]): Promise<number> {
  const files = args.filter(arg => !arg.startsWith('-'))
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: npm run check [-- deck.md ...] [--require-recordings]\n(checked against: DOCKER_DEMO_CLI, else docker on PATH; for docker-compose lines, DOCKER_DEMO_COMPOSE, else docker-compose on PATH)\n')
    return 0
  }
  const requireRecordings = args.includes('--require-recordings')
  let failed = false
  for (const file of files.length > 0 ? files : [DEFAULT_DECK]) {
    const { deck, clis } = await loadDeckWithClis(file)
    const against = Object.values(clis).map(cli => 'missing' in cli ? undefined : `${cli.program} ${cli.version} (${cli.cli})`).filter(Boolean)
    process.stdout.write(`${deck.file}: checking against ${against.join(' and ')}\n`)
    const problems = checkDeck(deck, clis, await readShellFacts())
    for (const problem of problems)
      process.stderr.write(`${formatProblem(problem)}\n`)
    const findings = recordingFindings(deck, await readRecordings(file), {
      requireRecordings,
      pathOf: demoId => recordingPath(file, demoId),
      show: shown,
    })
    for (const finding of findings)
      process.stderr.write(`${finding.message}\n`)
    const errors = problems.length + findings.filter(f => f.severity === 'error').length
    const warnings = findings.filter(f => f.severity === 'warning').length
    const steps = deck.demos.reduce((sum, demo) => sum + demo.steps.length, 0)
    if (errors > 0) {
      failed = true
      process.stderr.write(`${deck.file}: ${errors} problem${errors === 1 ? '' : 's'} in ${deck.demos.length} demos\n`)
    }
    else {
      const note = warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'} about recordings` : ''
      process.stdout.write(`${deck.file}: ${deck.demos.length} demos, ${steps} steps, no problems${note}\n`)
    }
  }
  return failed ? 1 : 0
}

/** As a terminal shows a path: relative to the working directory when below it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file))
  return relative && !relative.startsWith('..') ? relative : file
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  (error: Error) => {
    process.stderr.write(`check: ${error.message}\n`)
    process.exit(2)
  },
)
