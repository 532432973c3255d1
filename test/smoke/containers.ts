/**
 * Just enough dockerode for the engine smoke test: run a container to its end and collect its
 * output, start a server container, and remove everything a test run created (by label).
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Writable } from 'node:stream'
import Docker from 'dockerode'

export const TEST_LABEL = 'org.docker-demo.test'
const TEST_RUN_LABEL = `${TEST_LABEL}.run`

export interface StandinList {
  label: string
  images: { ref: string, context: string, mirror: string | null, description: string }[]
}

export const standins: StandinList = JSON.parse(
  readFileSync(new URL('../images/standins.json', import.meta.url), 'utf8'),
)

export function standin(context: string): string {
  const image = standins.images.find(i => i.context === context)
  if (!image)
    throw new Error(`test/images/standins.json has no image with context "${context}"`)
  return image.ref
}

export interface RunResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface ContainerSpec {
  image: string
  cmd?: string[]
  entrypoint?: string[]
  env?: string[]
  network?: string
  name?: string
}

function collector(): { stream: Writable, text: () => string } {
  const chunks: Buffer[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk)
      callback()
    },
  })
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') }
}

/** Containers and networks of one test file, labelled with its own run id. */
export class SmokeEngine {
  readonly docker = new Docker()
  readonly runId = randomUUID().slice(0, 8)
  private readonly labels = { [TEST_LABEL]: 'true', [TEST_RUN_LABEL]: this.runId }

  /** A name unique to this run, so that parallel runs never meet. */
  name(base: string): string {
    return `smoke-${this.runId}-${base}`
  }

  private create(spec: ContainerSpec): Promise<Docker.Container> {
    return this.docker.createContainer({
      Image: spec.image,
      Cmd: spec.cmd,
      Entrypoint: spec.entrypoint,
      Env: spec.env,
      name: spec.name,
      Labels: this.labels,
      HostConfig: { NetworkMode: spec.network },
    })
  }

  /** create, attach, start, then wait for both the exit and the end of the output (either order). */
  async run(spec: ContainerSpec): Promise<RunResult> {
    const container = await this.create(spec)
    try {
      const stream = await container.attach({ stream: true, stdout: true, stderr: true })
      const out = collector()
      const err = collector()
      this.docker.modem.demuxStream(stream, out.stream, err.stream)
      const ended = new Promise<void>(resolve => stream.on('end', () => resolve()))
      await container.start()
      const [status] = await Promise.all([container.wait() as Promise<{ StatusCode: number }>, ended])
      return { exitCode: status.StatusCode, stdout: out.text(), stderr: err.text() }
    }
    finally {
      await container.remove({ force: true })
    }
  }

  /** Starts a long-running container; removed by cleanup(). */
  async start(spec: ContainerSpec): Promise<Docker.Container> {
    const container = await this.create(spec)
    await container.start()
    return container
  }

  /** Runs until the command exits 0 or the deadline passes; returns the last result. */
  async runUntilOk(spec: ContainerSpec, timeoutMs = 20_000): Promise<RunResult> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const result = await this.run(spec)
      if (result.exitCode === 0 || Date.now() > deadline)
        return result
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  }

  async network(base: string): Promise<string> {
    const name = this.name(base)
    await this.docker.createNetwork({ Name: name, Labels: this.labels })
    return name
  }

  /** Removes what this run created, and nothing else. Safe to call twice. */
  async cleanup(): Promise<void> {
    const filters = JSON.stringify({ label: [`${TEST_RUN_LABEL}=${this.runId}`] })
    const containers = await this.docker.listContainers({ all: true, filters })
    await Promise.all(containers.map(c => this.docker.getContainer(c.Id).remove({ force: true })))
    const networks = await this.docker.listNetworks({ filters })
    await Promise.all(networks.map(n => this.docker.getNetwork(n.Id).remove()))
  }
}
