/** No engine answering is a status and a clear error, never a crash at creation. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { stepsOf } from '../support/inline-deck'
import { createDockerEngine } from '../../demo-server/engine/index'
import { START_DOCKER } from '../../demo-server/presenter-help'
import { DemoError } from '../../demo-server/protocol'
import { RecordingIO } from './harness'
import { plainRunContext } from './run-context'

const [step] = stepsOf('docker ps')
const context = plainRunContext({ deckId: 'engine-test-down', demoId: 'd' })

describe('when no engine answers', () => {
  it('creating works; status says what to do; runStep and reset throw ENGINE_UNAVAILABLE', async () => {
    const engine = await createDockerEngine({ dockerHost: 'unix:///tmp/no-engine-here.sock' })
    const status = await engine.status()
    expect(status.available).toBe(false)
    expect(status.message).toContain('unix:///tmp/no-engine-here.sock')
    // What a presenter can do on their platform, not the CI script that rewrites /etc.
    expect(status.message).toContain(START_DOCKER)
    expect(status.message).toMatch(/Docker Desktop \(macOS, Windows\).*`sudo systemctl start docker` \(Linux\).*`colima start`.*`docker info`/)
    expect(status.message).not.toContain('test/setup')
    const error = await engine.runStep(step, context, new RecordingIO()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DemoError)
    expect((error as DemoError).code).toBe('ENGINE_UNAVAILABLE')
    await expect(engine.reset({ deckId: 'engine-test-down' })).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' })
    await engine.close()
  })

  it('a broken docker context is reported, not thrown at creation', async () => {
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'))
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ currentContext: 'gone' }))
    const saved = { DOCKER_CONFIG: process.env.DOCKER_CONFIG, DOCKER_HOST: process.env.DOCKER_HOST, DOCKER_CONTEXT: process.env.DOCKER_CONTEXT }
    process.env.DOCKER_CONFIG = config
    delete process.env.DOCKER_HOST
    delete process.env.DOCKER_CONTEXT
    try {
      const engine = await createDockerEngine()
      const status = await engine.status()
      expect(status.available).toBe(false)
      expect(status.message).toMatch(/docker context "gone"/)
      await expect(engine.runStep(step, context, new RecordingIO())).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' })
    }
    finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined)
          delete process.env[key]
        else
          process.env[key] = value
      }
      fs.rmSync(config, { recursive: true, force: true })
    }
  })
})
