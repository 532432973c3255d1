/** The engine layer's public surface: createDockerEngine, and the types it implements. */
import type { DemoEngine } from './types.ts'
import { Connection } from './connection.ts'
import { DockerEngine } from './docker-engine.ts'
import { defaultDiscoveryEnv, resolveEndpoint } from './endpoint.ts'
import { startEngineProxy } from '../proxy/index.ts'

export interface DockerEngineOptions {
  /** Never pull (the run context says so per step too). */
  offline?: boolean
  /** Like `docker -H`: overrides DOCKER_HOST and the docker context. */
  dockerHost?: string
  /** The docker CLI that runs `docker ...` steps (default: DOCKER_DEMO_CLI, else `docker` on PATH). */
  cli?: string
}

/**
 * Finds the engine as the docker CLI would, starts the proxy its docker steps talk through, and
 * returns a DemoEngine. Never throws because the engine is down or misconfigured: status() says
 * so, and runStep() throws ENGINE_UNAVAILABLE.
 */
export async function createDockerEngine(options: DockerEngineOptions = {}): Promise<DemoEngine> {
  let connection: Connection
  try {
    connection = new Connection(resolveEndpoint(options.dockerHost, defaultDiscoveryEnv()), undefined)
  }
  catch (error) {
    connection = new Connection(undefined, error instanceof Error ? error : new Error(String(error)))
  }
  // One proxy for the engine's life: the CLI of every docker step talks to the engine through
  // it, scoped to the step's run (demo-server/proxy/README.md).
  const proxy = connection.resolved
    ? await startEngineProxy({ upstream: connection.resolved, scope: { deckId: '', demoId: '', runId: '' }, offline: options.offline ?? false })
    : undefined
  return new DockerEngine({ connection, proxy, ...(options.cli !== undefined ? { cli: options.cli } : {}) })
}

export type { DemoEngine, RemovedCounts, ResetReport, StepIO, StepResult, StepRunContext } from './types.ts'
export { HELPER_LABEL, demoLabels } from './labels.ts'
