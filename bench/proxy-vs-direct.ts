/**
 * The Engine-API proxy's cost: `docker run --rm alpine true` through the proxy against the same
 * command straight on the engine, interleaved in one run, N times each. Prints both medians and
 * their ratio (proxy / direct: 1.00 means no cost).
 *
 *   npx tsx bench/proxy-vs-direct.ts [runs=15] [docker CLI=docker]
 *
 * Needs a running engine and the alpine stand-in (bash test/setup/dockerd.sh,
 * bash test/images/build-standins.sh). Containers are labelled with this bench's deck and
 * removed by --rm; the proxy's socket directory is removed on exit.
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { DECK_LABEL } from '../demo-server/engine/labels.ts'
import { startEngineProxy } from '../demo-server/proxy/index.ts'

const RUNS = Number(process.argv[2] ?? 15)
const CLI = process.argv[3] ?? 'docker'
const DECK_ID = `bench-${randomUUID().slice(0, 8)}`
const ENGINE = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'

function timedRun(dockerHost: string, extra: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    execFile(CLI, ['run', '--rm', ...extra, 'alpine:latest', 'true'], { env: { ...process.env, DOCKER_HOST: dockerHost } }, (error, _stdout, stderr) => {
      if (error)
        reject(new Error(`${CLI} run --rm alpine:latest true (DOCKER_HOST=${dockerHost}) failed: ${stderr.trim() || error.message}`))
      else
        resolve(performance.now() - start)
    })
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

await using proxy = await startEngineProxy({ upstream: ENGINE, scope: { deckId: DECK_ID, demoId: 'bench', runId: 'bench' } })
const direct: number[] = []
const proxied: number[] = []
// One warm-up each (page cache, the CLI's first start), not counted.
await timedRun(ENGINE, ['--label', `${DECK_LABEL}=${DECK_ID}`])
await timedRun(proxy.dockerHost, [])
for (let i = 0; i < RUNS; i++) {
  direct.push(await timedRun(ENGINE, ['--label', `${DECK_LABEL}=${DECK_ID}`]))
  proxied.push(await timedRun(proxy.dockerHost, []))
}
const d = median(direct)
const p = median(proxied)
console.log(`docker run --rm alpine:latest true, ${RUNS} runs each, interleaved (${CLI})`)
console.log(`  direct: median ${d.toFixed(0)} ms`)
console.log(`  proxy:  median ${p.toFixed(0)} ms`)
console.log(`  ratio proxy/direct: ${(p / d).toFixed(2)}`)
