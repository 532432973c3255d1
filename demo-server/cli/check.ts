/**
 * `npm run check [-- deck.md]`: validates a deck's demos without an engine. Prints each problem
 * as `file:LINE: message` and exits 1 if there is any.
 */
import process from 'node:process'
import { checkDeck } from '../deck/check'
import { DEFAULT_DECK, loadDeck } from '../deck/load'
import { formatProblem } from '../deck/model'

async function main(args: string[]): Promise<number> {
  const files = args.filter(arg => !arg.startsWith('-'))
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: npm run check [-- deck.md ...]\n')
    return 0
  }
  let failed = false
  for (const file of files.length > 0 ? files : [DEFAULT_DECK]) {
    const deck = await loadDeck(file)
    const problems = checkDeck(deck)
    for (const problem of problems)
      process.stderr.write(`${formatProblem(problem)}\n`)
    const steps = deck.demos.reduce((sum, demo) => sum + demo.steps.length, 0)
    if (problems.length > 0) {
      failed = true
      process.stderr.write(`${deck.file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${deck.demos.length} demos\n`)
    }
    else {
      process.stdout.write(`${deck.file}: ${deck.demos.length} demos, ${steps} steps, no problems\n`)
    }
  }
  return failed ? 1 : 0
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  (error: Error) => {
    process.stderr.write(`check: ${error.message}\n`)
    process.exit(2)
  },
)
