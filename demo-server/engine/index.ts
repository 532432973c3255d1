/** The engine layer's public surface: createDockerEngine, and the types it implements. */
import type { DemoEngine } from './types.ts'
import { Connection } from './connection.ts'
import { DockerEngine } from './docker-engine.ts'
import { defaultDiscoveryEnv, resolveEndpoint } from './endpoint.ts'

export interface DockerEngineOptions {
  /** Never pull (the run context says so per step too). */
  offline?: boolean
  /** Like `docker -H`: overrides DOCKER_HOST and the docker context. */
  dockerHost?: string
}

/**
 * Finds the engine as the docker CLI would and returns a DemoEngine. Never throws because the
 * engine is down or misconfigured: status() says so, and runStep() throws ENGINE_UNAVAILABLE.
 */
export async function createDockerEngine(options: DockerEngineOptions = {}): Promise<DemoEngine> {
  let connection: Connection
  try {
    connection = new Connection(resolveEndpoint(options.dockerHost, defaultDiscoveryEnv()), undefined)
  }
  catch (error) {
    connection = new Connection(undefined, error instanceof Error ? error : new Error(String(error)))
  }
  return new DockerEngine(connection)
}

export type { DemoEngine, DemoSession, RemovedCounts, ResetReport, StepIO, StepResult, StepRunContext } from './types.ts'
export { HELPER_LABEL, demoLabels } from './labels.ts'
