/** Images: offline refusals that name the image and the prepare command; pulls from the local registry. */
import { beforeAll, describe, expect, it } from 'vitest'
import { DemoError } from '../../demo-server/protocol'
import { TestDemo, docker, engineForThisFile } from './harness'

const env = engineForThisFile()
/** The local registry of test/setup/registry.sh; never a host outside this machine. */
const LOCAL = '127.0.0.1:5000/library/alpine'

async function registryAnswers(): Promise<boolean> {
  try {
    const response = await fetch('http://127.0.0.1:5000/v2/library/alpine/tags/list', { signal: AbortSignal.timeout(2000) })
    return response.ok
  }
  catch {
    return false
  }
}

const present = (ref: string) => docker.getImage(ref).inspect().then(() => true, () => false)

let canPull = false
beforeAll(async () => {
  // Only when the tag is not there already: the test removes the tag it pulled, nothing else.
  canPull = await registryAnswers() && !(await present(`${LOCAL}:latest`))
})

async function refusal(demo: TestDemo, step: number, offline = true): Promise<DemoError> {
  const error = await demo.run(step, { offline }).then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(DemoError)
  return error as DemoError
}

describe('offline', () => {
  it('a run of a missing image is IMAGE_MISSING naming the image and the docker pull to run while online', async () => {
    await using demo = new TestDemo(env.engine, `
docker run --rm no-such-image-for-tests:1.2 true
docker pull no-such-image-for-tests
docker pull alpine
`)
    const run = await refusal(demo, 1)
    expect(run.code).toBe('IMAGE_MISSING')
    expect(run.message).toContain('no-such-image-for-tests:1.2')
    expect(run.message).toContain('Pull it while you are online: docker pull no-such-image-for-tests:1.2 (')
    const pull = await refusal(demo, 2)
    expect(pull.code).toBe('IMAGE_MISSING')
    // The CLI asks for the default tag, and the message names it.
    expect(pull.message).toContain('docker pull no-such-image-for-tests:latest (')
    const present = await refusal(demo, 3)
    expect(present.code).toBe('NEEDS_INTERNET')
    expect(present.message).toContain('alpine')
  })
})

describe('online, from the local registry only', () => {
  it('pull prints the CLI\'s lines and ends with the full reference', async (context) => {
    if (!canPull)
      context.skip()
    const demo = new TestDemo(env.engine, `docker pull ${LOCAL}`)
    try {
      const result = await demo.run(1, { offline: false })
      expect(result.exitCode).toBe(0)
      expect(result.output).toMatch(/^Using default tag: latest\nlatest: Pulling from library\/alpine\n/)
      expect(result.output).toMatch(/Digest: sha256:[0-9a-f]{64}\n/)
      expect(result.output).toMatch(/Status: Downloaded newer image for 127\.0\.0\.1:5000\/library\/alpine:latest\n/)
      expect(result.output).toMatch(/127\.0\.0\.1:5000\/library\/alpine:latest\n$/)
    }
    finally {
      await docker.getImage(`${LOCAL}:latest`).remove({ noprune: true }).catch(() => {})
      await demo.cleanup()
    }
  })

  it('run pulls a missing image first, as the CLI does', async (context) => {
    if (!canPull)
      context.skip()
    const demo = new TestDemo(env.engine, `docker run --rm ${LOCAL} echo pulled`)
    try {
      const result = await demo.run(1, { offline: false })
      expect(result.exitCode).toBe(0)
      expect(result.output).toMatch(/^Unable to find image '127\.0\.0\.1:5000\/library\/alpine:latest' locally\n/)
      expect(result.output).toMatch(/pulled\n$/)
    }
    finally {
      await docker.getImage(`${LOCAL}:latest`).remove({ noprune: true }).catch(() => {})
      await demo.cleanup()
    }
  })
})
