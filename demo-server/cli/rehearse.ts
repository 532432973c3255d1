/**
 * `npm run rehearse [-- deck.md] [--only ID ...] [--from ID] [--offline]`: runs every demo of
 * the deck in order on the engine, from a clean reset, and records each into
 * `recordings/<deck>/<demo>.cast` (demo-server/recordings/README.md). Draws a progress bar on a
 * terminal (plain lines otherwise), then a summary. Exit codes: 0 every step green, 1 a step is
 * red, 2 the rehearsal could not run (usage, unknown demo, no engine).
 */
import process from 'node:process'
import { parseArgs } from 'node:util'
import { demoLine, exitCodeOf, formatSummary, progressBar } from '../recordings/report.ts'
import type { ProgressEvent } from '../recordings/rehearsal.ts'
import { rehearse, RehearsalError } from '../recordings/rehearsal.ts'
import { requireServerAt } from '../server/state-dir.ts'

const USAGE = `Usage: npm run rehearse -- [deck.md] [--only ID[,ID]] [--from ID] [--offline] [--docker-host URL]
  --only ID     rehearse only this demo (repeat, or separate ids by commas)
  --from ID     start at this demo and go on to the end of the deck
  --offline     never pull; steps marked "# online" are skipped
  --url ws://HOST:PORT/__docker-demo   use a running server of this user (e.g. npm start's)
Recordings go to recordings/<deck name>/<demo id>.cast next to the deck.`

const EXIT_REFUSED = 2

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'only': { type: 'string', multiple: true },
      'from': { type: 'string' },
      'offline': { type: 'boolean' },
      'docker-host': { type: 'string' },
      'url': { type: 'string' },
      'help': { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (positionals.length > 1 || positionals.some(p => !p.endsWith('.md')))
    throw new RehearsalError(`Expected at most one deck file (*.md), got: ${positionals.join(' ')}.\n\n${USAGE}`)
  const tty = process.stderr.isTTY === true
  const url = values.url
  const server = url === undefined
    ? undefined
    : { url, token: requireServerAt(url).token }
  const report = await rehearse({
    deckFile: positionals[0] ?? 'slides.md',
    only: (values.only ?? []).flatMap(ids => ids.split(',')).map(id => id.trim()).filter(Boolean),
    from: values.from,
    offline: values.offline ?? false,
    dockerHost: values['docker-host'],
    server,
    onProgress: tty ? progressOnTerminal() : progressAsLines(),
  })
  process.stdout.write(`\n${formatSummary(report, process.stdout.isTTY === true)}\n`)
  return exitCodeOf(report)
}

/** One line rewritten in place on stderr: the bar, the demo, the step. */
function progressOnTerminal(): (event: ProgressEvent) => void {
  let done = 0
  let total = 0
  let demos = 0
  let position = 0
  let current = ''
  const draw = (detail: string) => {
    const line = `${progressBar(done, total)}  demo ${position + 1}/${demos} ${current}${detail}`
    // A pseudo-terminal without a size reports 0 columns.
    const width = process.stderr.columns || 100
    process.stderr.write(`\r\x1B[K${line.slice(0, width - 1)}`)
  }
  return (event) => {
    switch (event.type) {
      case 'start':
        total = event.totalSteps
        demos = event.demos.length
        process.stderr.write(`Rehearsing ${demos} demo${demos === 1 ? '' : 's'}, ${total} steps${leftOut(event.withoutSteps)}\n`)
        break
      case 'demo-start':
        position = event.position
        current = event.demo.id
        draw('')
        break
      case 'step-end':
        if (!event.dependency)
          done++
        draw(event.dependency ? ` (first ${event.demoId}, which it uses: step ${event.step})` : ` step ${event.step}/${event.steps} ${event.outcome}`)
        break
      case 'demo-end':
        // Steps never reached still count, so the bar ends full.
        done += event.result.notRun
        if (!event.result.green)
          process.stderr.write(`\r\x1B[K${demoLine(event.result)}\n`)
        draw('')
    }
  }
}

function progressAsLines(): (event: ProgressEvent) => void {
  return (event) => {
    if (event.type === 'start')
      console.error(`Rehearsing ${event.demos.length} demos, ${event.totalSteps} steps${leftOut(event.withoutSteps)}`)
    else if (event.type === 'demo-end')
      console.error(demoLine(event.result))
  }
}

/** The demos a rehearsal leaves out, by name. */
function leftOut(ids: string[]): string {
  return ids.length === 0 ? '' : `; not ${ids.map(id => `"${id}"`).join(', ')}, which ${ids.length === 1 ? 'has' : 'have'} no steps (npm run check says why)`
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  (error: unknown) => {
    console.error(`\nrehearse: ${error instanceof Error ? error.message : String(error)}`)
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      console.error(`\n${USAGE}`)
    process.exit(EXIT_REFUSED)
  },
)
