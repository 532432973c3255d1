/**
 * A demo's line through the demo server (DemoEngine.runStep: typed into the demo's own bash,
 * with our rc file and marks, docker talking through the engine proxy) against the same line
 * typed into a plain bash (no rc file) in a pseudo-terminal of the same size, with DOCKER_HOST
 * straight at the engine. Interleaved, on the same engine, one run of this script:
 *   1. `docker run --rm alpine echo hi`: median ratio ours/bash (target <= 1.05);
 *   2. `echo hi`: what the server adds to a line without docker, median difference in ms
 *      (target <= 10 ms);
 *   3. SIZE_MB of output from a container with `--log-driver none`: throughput ratio.
 *
 *   npm run bench [-- runs=20 sizeMB=20]
 *
 * Needs a running engine and the alpine stand-in (bash test/setup/dockerd.sh,
 * bash test/images/build-standins.sh). Everything it creates is labelled and removed.
 * bench/RESULTS.md keeps the figures, with the date and the machine.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseDeck } from '../demo-server/deck/parse.ts'
import type { Step } from '../demo-server/deck/model.ts'
import { createDockerEngine } from '../demo-server/engine/index.ts'
import { DECK_LABEL } from '../demo-server/engine/labels.ts'
import { PtyProcess } from '../demo-server/engine/pty-process.ts'
import type { StepIO } from '../demo-server/engine/types.ts'
import { resolveShell } from '../demo-server/shell/which-shell.ts'
import { plainRunContext } from '../test/engine/run-context.ts'

const RUNS = Number(process.argv[2] ?? 20)
const SIZE_MB = Number(process.argv[3] ?? 20)
const BYTES = SIZE_MB * 1_000_000
const DECK_ID = `bench-${randomUUID().slice(0, 8)}`
const COLS = 100
const ROWS = 12
const LABEL = `--label ${DECK_LABEL}=${DECK_ID}`

const LINES = {
  docker: `docker run --rm ${LABEL} alpine echo hi`,
  echo: 'echo hi',
  output: `docker run --rm ${LABEL} --log-driver none alpine sh -c "head -c ${BYTES} /dev/zero | tr '\\\\0' x"`,
}
const deck = parseDeck(`<DockerDemo id="bench">\n\n\`\`\`sh\n${Object.values(LINES).join('\n')}\n\`\`\`\n\n</DockerDemo>\n`, 'bench.md')
const [dockerStep, echoStep, outputStep] = deck.demos[0].steps

const engine = await createDockerEngine({ offline: true })
const status = await engine.status()
if (!status.available) {
  console.error(status.message)
  process.exit(1)
}
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-shell-'))

function counter(): StepIO & { bytes: number } {
  const io = { bytes: 0, write: (data: string) => { io.bytes += data.length }, onInput: () => () => {}, onResize: () => () => {} }
  return io
}

async function ours(step: Step): Promise<{ ms: number, bytes: number }> {
  const io = counter()
  const start = performance.now()
  const result = await engine.runStep(step, plainRunContext({ deckId: DECK_ID, demoId: 'bench', workdir, cols: COLS, rows: ROWS }), io)
  const ms = performance.now() - start
  if (result.exitCode !== 0)
    throw new Error(`our run of "${step.command}" exited ${result.exitCode}`)
  return { ms, bytes: io.bytes }
}

/** A plain bash in a pseudo-terminal; a line ends when its prompt, a marker of ours, is back. */
const READY = '__bench_ready__$ '
const env: Record<string, string> = { ...process.env as Record<string, string>, PS1: READY, TERM: 'xterm-256color', DOCKER_HOST: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock' }
delete env.DOCKER_CONTEXT
const plain = PtyProcess.spawn(resolveShell(), ['--noprofile', '--norc', '-i'], { cols: COLS, rows: ROWS, env, cwd: workdir })
/** What the plain bash printed since the line was typed: its size, whether the echo's line end
 *  came, and the last characters (where the prompt shows). */
const seen = { bytes: 0, echoed: false, tail: '' }
let lineEnded: (() => void) | undefined
plain.onData((data) => {
  seen.bytes += data.length
  seen.tail = (seen.tail + data).slice(-200)
  seen.echoed ||= data.includes('\n')
  if (seen.echoed && seen.tail.endsWith(READY))
    lineEnded?.()
})

function nextPrompt(): Promise<void> {
  return new Promise((resolve) => { lineEnded = resolve })
}
seen.echoed = true
const firstPrompt = nextPrompt()

async function bash(line: string): Promise<{ ms: number, bytes: number }> {
  Object.assign(seen, { bytes: 0, echoed: false, tail: '' })
  const ended = nextPrompt()
  const start = performance.now()
  plain.write(`${line}\r`)
  await ended
  return { ms: performance.now() - start, bytes: seen.bytes }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Interleaved, each side going first in turn, so neither always runs on a warmer engine. */
async function compare(runs: number, mine: () => Promise<{ ms: number }>, theirs: () => Promise<{ ms: number }>): Promise<{ ours: number, bash: number }> {
  const a: number[] = []
  const b: number[] = []
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      a.push((await mine()).ms)
      b.push((await theirs()).ms)
    }
    else {
      b.push((await theirs()).ms)
      a.push((await mine()).ms)
    }
  }
  return { ours: median(a), bash: median(b) }
}

try {
  await firstPrompt
  // Warm-up: the first container start pays for cold caches on both sides, the first line for
  // starting the demo's shell.
  await ours(dockerStep)
  await bash(LINES.docker)

  const docker = await compare(RUNS, () => ours(dockerStep), () => bash(LINES.docker))
  console.log(`${LINES.docker.replace(` ${LABEL}`, '')}, median of ${RUNS}:`)
  console.log(`  ours ${docker.ours.toFixed(0)} ms   plain bash ${docker.bash.toFixed(0)} ms   ratio ours/bash ${(docker.ours / docker.bash).toFixed(3)}`)

  const echo = await compare(RUNS * 5, () => ours(echoStep), () => bash(LINES.echo))
  console.log(`echo hi, median of ${RUNS * 5}:`)
  console.log(`  ours ${echo.ours.toFixed(1)} ms   plain bash ${echo.bash.toFixed(1)} ms   the server adds ${(echo.ours - echo.bash).toFixed(1)} ms`)

  const throughput = await compare(Math.max(3, Math.min(5, RUNS)), () => ours(outputStep), () => bash(LINES.output))
  const rate = (ms: number) => `${(BYTES / 1e6 / (ms / 1000)).toFixed(1)} MB/s`
  console.log(`${SIZE_MB} MB of output (log driver none):`)
  console.log(`  ours ${rate(throughput.ours)}   plain bash ${rate(throughput.bash)}   throughput ratio ours/bash ${(throughput.bash / throughput.ours).toFixed(2)}`)
}
finally {
  await plain.kill()
  await engine.reset({ deckId: DECK_ID })
  await engine.close()
  fs.rmSync(workdir, { recursive: true, force: true })
}
