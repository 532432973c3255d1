/**
 * Our run path (DemoEngine.runStep, what the server calls for a docker step: the docker CLI in a
 * PTY, through the engine proxy) against the same CLI in the same PTY size straight against the
 * engine, on the same engine:
 *   1. latency: `docker run --rm alpine echo hi`, median of N runs each (interleaved);
 *      target: ratio ours/CLI <= 1.05;
 *   2. throughput: a container that writes SIZE_MB of output, with the default log driver and
 *      with `--log-driver none` (the daemon's json-file logging is the usual bottleneck).
 * Prints medians and ratios (ours / CLI: below 1 means we are faster).
 *
 *   npx tsx bench/run-vs-cli.ts [runs=20] [sizeMB=20]
 *
 * Needs a running engine and the alpine stand-in (bash test/setup/dockerd.sh,
 * bash test/images/build-standins.sh). Everything it creates is labelled and removed.
 */
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import type { StepIO } from '../demo-server/engine/types.ts'
import { parseDeck } from '../demo-server/deck/parse.ts'
import { createDockerEngine } from '../demo-server/engine/index.ts'
import { cliEnvironment } from '../demo-server/engine/cli-launch.ts'
import { resolveDockerCli } from '../demo-server/docker-cli/which-cli.ts'
import { DECK_LABEL } from '../demo-server/engine/labels.ts'
import { PtyProcess } from '../demo-server/engine/pty-process.ts'
import { plainRunContext } from '../test/engine/run-context.ts'

const RUNS = Number(process.argv[2] ?? 20)
const SIZE_MB = Number(process.argv[3] ?? 20)
const BYTES = SIZE_MB * 1_000_000
const DECK_ID = `bench-${randomUUID().slice(0, 8)}`
// Written for the deck's fence, where it sits inside `sh -c "..."` and the double quotes turn
// `\\0` into `\0`; the CLI gets argv directly, so PRODUCE_ARGV has the single backslash.
const PRODUCE = `head -c ${BYTES} /dev/zero | tr '\\\\0' x`
const PRODUCE_ARGV = PRODUCE.replace('\\\\0', '\\0')

const fence = [
  'docker run --rm alpine echo hi',
  `docker run --rm alpine sh -c "${PRODUCE}"`,
  `docker run --rm --log-driver none alpine sh -c "${PRODUCE}"`,
].join('\n')
const steps = parseDeck(`<DockerDemo id="bench">\n\n\`\`\`sh\n${fence}\n\`\`\`\n\n</DockerDemo>\n`, 'bench.md').demos[0].steps

const engine = await createDockerEngine({ offline: true })
const status = await engine.status()
if (!status.available) {
  console.error(status.message)
  process.exit(1)
}

function counter(): StepIO & { bytes: number, text: string } {
  const io = {
    bytes: 0,
    text: '',
    write: (data: string) => {
      io.bytes += data.length
      if (io.text.length < 100)
        io.text += data
    },
    onInput: () => () => {},
    onResize: () => () => {},
  }
  return io
}

async function ours(index: number): Promise<{ ms: number, bytes: number, text: string }> {
  const io = counter()
  const start = performance.now()
  const result = await engine.runStep(steps[index], plainRunContext({ deckId: DECK_ID, demoId: 'bench' }), io)
  const ms = performance.now() - start
  if (result.exitCode !== 0)
    throw new Error(`our run exited ${result.exitCode}: ${io.text}`)
  return { ms, bytes: io.bytes, text: io.text }
}

const CLI = resolveDockerCli()
const DIRECT_ENV = cliEnvironment(process.env, process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock', true)

/** The same CLI, `docker run --rm <args>` in an 80x24 PTY as ours, labelled with this bench's
 *  deck so that the reset removes it. */
async function cli(args: string[]): Promise<{ ms: number, bytes: number, text: string }> {
  const argv = ['run', '--rm', '--label', `${DECK_LABEL}=${DECK_ID}`, ...args]
  const start = performance.now()
  const terminal = PtyProcess.spawn(CLI, argv, { cols: 80, rows: 24, env: DIRECT_ENV, cwd: os.tmpdir() })
  let bytes = 0
  let text = ''
  const remove = terminal.onData((data) => {
    bytes += data.length
    if (text.length < 100)
      text += data
  })
  const { exitCode } = await terminal.exited
  remove()
  if (exitCode !== 0)
    throw new Error(`${CLI} ${argv.join(' ')} exited ${exitCode}: ${text}`)
  return { ms: performance.now() - start, bytes, text }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const fmt = (ms: number) => `${ms.toFixed(0)} ms`

try {
  // Warm-up: the first container start pays for cold caches on both sides.
  await ours(0)
  await cli(['alpine', 'echo', 'hi'])

  const mine: number[] = []
  const theirs: number[] = []
  for (let i = 0; i < RUNS; i++) {
    // Alternate who goes first, so that neither side always runs on a warmer engine.
    const direct = i % 2 === 1 ? await cli(['alpine', 'echo', 'hi']) : undefined
    const a = await ours(0)
    if (a.text !== 'hi\r\n')
      throw new Error(`our output was ${JSON.stringify(a.text)}`)
    mine.push(a.ms)
    theirs.push((direct ?? await cli(['alpine', 'echo', 'hi'])).ms)
  }
  console.log(`docker run --rm alpine echo hi, median of ${RUNS} (${CLI}):`)
  console.log(`  ours ${fmt(median(mine))}   CLI ${fmt(median(theirs))}   ratio ours/CLI ${(median(mine) / median(theirs)).toFixed(2)}`)

  const throughputRuns = Math.max(3, Math.min(5, RUNS))
  for (const [index, label, extra] of [[1, 'json-file (default)', []], [2, 'log driver none', ['--log-driver', 'none']]] as const) {
    const mineMs: number[] = []
    const theirMs: number[] = []
    for (let i = 0; i < throughputRuns; i++) {
      const a = await ours(index)
      // Ours turns "\n" into "\r\n" for the terminal; this output has none, so bytes compare.
      if (a.bytes !== BYTES)
        throw new Error(`our run delivered ${a.bytes} bytes, expected ${BYTES}`)
      mineMs.push(a.ms)
      const b = await cli([...extra, 'alpine', 'sh', '-c', PRODUCE_ARGV])
      if (b.bytes !== BYTES)
        throw new Error(`the CLI delivered ${b.bytes} bytes, expected ${BYTES}`)
      theirMs.push(b.ms)
    }
    const rate = (ms: number) => `${(BYTES / 1e6 / (ms / 1000)).toFixed(1)} MB/s`
    console.log(`${SIZE_MB} MB of output, ${label}, median of ${throughputRuns}:`)
    console.log(`  ours ${rate(median(mineMs))}   CLI ${rate(median(theirMs))}   throughput ratio ours/CLI ${(median(theirMs) / median(mineMs)).toFixed(2)}`)
  }
}
finally {
  await engine.reset({ deckId: DECK_ID })
  await engine.close()
}
