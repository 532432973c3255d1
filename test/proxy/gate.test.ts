/**
 * The gate itself: default deny, the private socket, offline pulls, scopes that change between
 * runs, and the proxy's own lifecycle.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import { MAX_JSON_BODY_BYTES, OFFLINE_PULL_ADVICE, startEngineProxy } from '../../demo-server/proxy/index'
import { CLIS, docker, newScope, proxyForThisFile, requireCli, runCli, sfx } from './harness'

requireCli()
const env = proxyForThisFile()

/** One request over a unix socket; the answer's status and text. */
function raw(socketPath: string, method: string, urlPath: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number, text: string }> {
  return new Promise((resolve, reject) => {
    const sized = body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}
    const req = http.request({ socketPath, method, path: urlPath, agent: false, headers: { ...sized, ...headers } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('deny by default', () => {
  it.each(CLIS)('%s: swarm init, plugin install and secret create are refused with one line', async (bin) => {
    const cases: Array<[string[], RegExp]> = [
      [['swarm', 'init'], /^Error response from daemon: docker-demo: POST \/swarm\/init is refused: swarm mode turns this engine into a cluster manager; the demo server leaves engine-wide state alone$/m],
      [['plugin', 'install', '--grant-all-permissions', 'vieux/sshfs'], /Error response from daemon: docker-demo: \w+ \/plugins\/\w+ is refused: plugins install code that runs inside the engine itself$/m],
      [['secret', 'create', 'px-secret', '-'], /Error response from daemon: docker-demo: POST \/secrets\/create is refused: swarm objects/m],
    ]
    for (const [args, message] of cases) {
      const result = await runCli(bin, args, env.proxy.dockerHost, { input: 'not a secret\n' })
      expect(result.code, args.join(' ')).not.toBe(0)
      expect(result.stderr).toMatch(message)
    }
    expect((await docker.info() as { Swarm: { LocalNodeState: string } }).Swarm.LocalNodeState).toBe('inactive')
  })

  it('answers raw calls that have no row, or a deny row, with 403 and a JSON message', async () => {
    const socket = env.proxy.socketPath
    for (const [method, url] of [['POST', '/v1.41/swarm/join'], ['POST', '/v1.41/services/create'], ['POST', '/v1.41/configs/create'], ['DELETE', '/v1.41/plugins/x'], ['POST', '/grpc'], ['POST', '/v1.41/not/an/endpoint']]) {
      const answer = await raw(socket, method, url, method === 'POST' ? '{}' : undefined)
      expect({ url, status: answer.status }).toEqual({ url, status: 403 })
      expect(JSON.parse(answer.text).message).toMatch(/^docker-demo: \w+ \/\S+ is refused: .+$/)
    }
    const unknown = await raw(socket, 'POST', '/v1.41/not/an/endpoint', '{}')
    expect(JSON.parse(unknown.text).message).toBe('docker-demo: POST /not/an/endpoint is refused: it is not in the demo server\'s table of Engine API calls (demo-server/proxy/rules.ts)')
  })

  it('refuses an Upgrade on a call that is not a hijacked stream (it would skip the label rewrite)', async () => {
    const answer = await raw(env.proxy.socketPath, 'POST', '/v1.41/containers/create', JSON.stringify({ Image: 'alpine:latest' }), { Connection: 'Upgrade', Upgrade: 'tcp' }).catch((error: Error) => ({ status: 0, text: error.message }))
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.text).message).toContain('does not take an Upgrade')
  })

  it('refuses a create body larger than its cap, and one that is not JSON', async () => {
    const big = await raw(env.proxy.socketPath, 'POST', '/v1.41/volumes/create', JSON.stringify({ Name: 'x', Labels: { pad: 'x'.repeat(MAX_JSON_BODY_BYTES) } }))
    expect(big.status).toBe(413)
    const garbage = await raw(env.proxy.socketPath, 'POST', '/v1.41/networks/create', '{nope')
    expect(garbage.status).toBe(400)
    expect(JSON.parse(garbage.text).message).toMatch(/^docker-demo: the body of POST \/networks\/create is not JSON/)
  })
})

describe('the socket', () => {
  it('is mode 0600 in a 0700 directory of its own, removed on close; closing twice is safe', async () => {
    const proxy = await startEngineProxy({ scope: newScope() })
    const dir = path.dirname(proxy.socketPath)
    expect((fs.statSync(proxy.socketPath).mode & 0o777).toString(8)).toBe('600')
    expect((fs.statSync(dir).mode & 0o777).toString(8)).toBe('700')
    expect(proxy.dockerHost).toBe(`unix://${proxy.socketPath}`)
    await proxy.close()
    await proxy.close()
    expect(fs.existsSync(dir)).toBe(false)
  })

  it('refuses a given socket path in a directory others can enter', async () => {
    const open = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-open-'))
    fs.chmodSync(open, 0o755)
    try {
      await expect(startEngineProxy({ scope: newScope(), socketPath: path.join(open, 'engine.sock') })).rejects.toThrow(`the proxy socket's directory "${open}" has mode 755`)
    }
    finally {
      fs.rmSync(open, { recursive: true, force: true })
    }
  })
})

describe('offline', () => {
  it.each(CLIS)('%s: pull, and run of a missing image, are refused with the advice', async (bin) => {
    await using proxy = await startEngineProxy({ scope: newScope(), offline: true })
    const missing = `px-not-here-${sfx()}:1`
    const pull = await runCli(bin, ['pull', missing], proxy.dockerHost)
    expect(pull.code).toBe(1)
    expect(pull.stderr).toContain(`Error response from daemon: docker-demo: "docker pull ${missing}" needs a registry: ${OFFLINE_PULL_ADVICE}`)
    const run = await runCli(bin, ['run', '--rm', missing], proxy.dockerHost)
    expect(run.code).toBe(125)
    expect(run.stderr).toContain(`docker-demo: "docker pull ${missing}" needs a registry`)
    // What is on the engine still runs.
    expect(await runCli(bin, ['run', '--rm', 'alpine:latest', 'echo', 'offline ok'], proxy.dockerHost)).toMatchObject({ code: 0, stdout: 'offline ok\n' })
  })
})

describe('scopes', () => {
  it('a second deck cannot touch the first deck\'s container; createdBy tells runs apart', async () => {
    const [bin] = CLIS
    const first = newScope()
    const second = newScope()
    await using proxy = await startEngineProxy({ scope: first })
    const name = `px-scoped-${sfx()}`
    const run = await runCli(bin, ['run', '-d', '--name', name, 'alpine:latest', 'sleep', '300'], proxy.dockerHost)
    expect(run.code, run.stderr).toBe(0)
    const id = run.stdout.trim()
    expect((await docker.getContainer(id).inspect()).Config.Labels[DECK_LABEL]).toBe(first.deckId)

    let current = second
    proxy.setScope(() => current)
    const refused = await runCli(bin, ['stop', name], proxy.dockerHost)
    expect(refused.stderr).toContain(`docker-demo: container "${name}" was not created by this deck (it has no ${DECK_LABEL}=${second.deckId} label)`)
    expect(proxy.createdBy(first.runId)).toEqual({ containers: [id], execs: [] })
    expect(proxy.createdBy(second.runId)).toEqual({ containers: [], execs: [] })

    current = first
    expect(await runCli(bin, ['rm', '-f', name], proxy.dockerHost)).toMatchObject({ code: 0 })
  })
})
