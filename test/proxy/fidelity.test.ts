/**
 * The CLI prints the same through the proxy as straight against the engine (apart from ids,
 * names the engine makes up, and times): the proxy changes labels, never the conversation.
 */
import { describe, expect, it } from 'vitest'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import { CLIS, docker, proxyForThisFile, requireCli, runCli, sfx } from './harness'

requireCli()
const env = proxyForThisFile()

/** Ids and times vary from run to run; everything else must match byte for byte. */
function normalized(text: string): string {
  return text
    .replace(/\b[0-9a-f]{64}\b/g, '<id>')
    .replace(/\b[0-9a-f]{12}\b/g, '<short-id>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
    .replace(/(?:About )?(?:an?|\d+) (?:second|minute)s?(?: ago)?|Less than a second(?: ago)?/g, '<age>')
}

describe.each(CLIS)('%s prints the same through the proxy', (bin) => {
  it('run --rm alpine echo hi', async () => {
    const direct = await runCli(bin, ['run', '--rm', '--label', `${DECK_LABEL}=${env.scope.deckId}`, 'alpine', 'echo', 'hi'], undefined)
    const proxied = await runCli(bin, ['run', '--rm', 'alpine', 'echo', 'hi'], env.proxy.dockerHost)
    expect(proxied).toEqual(direct)
    expect(proxied.stdout).toBe('hi\n')
  })

  it('ps --format and inspect -f of the same container; errors of the engine pass unchanged', async () => {
    const name = `px-fidelity-${sfx()}`
    const run = await runCli(bin, ['run', '-d', '--name', name, 'alpine:latest', 'sleep', '300'], env.proxy.dockerHost)
    expect(run.code, run.stderr).toBe(0)
    try {
      const format = ['ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.ID}} {{.Image}} {{.Command}} {{.Status}} {{.Names}} {{.Label "org.docker-demo.demo"}}']
      const psDirect = await runCli(bin, format, undefined)
      const psProxied = await runCli(bin, format, env.proxy.dockerHost)
      expect(normalized(psProxied.stdout)).toBe(normalized(psDirect.stdout))
      expect(psProxied.stdout).toContain(name)

      const inspect = ['inspect', '-f', '{{.Name}} {{.State.Status}} {{.Config.Image}} {{json .Config.Cmd}} {{.HostConfig.NetworkMode}}', name]
      const inspectDirect = await runCli(bin, inspect, undefined)
      expect(await runCli(bin, inspect, env.proxy.dockerHost)).toEqual(inspectDirect)
      expect(inspectDirect.stdout).toBe(`/${name} running alpine:latest ["sleep","300"] default\n`)

      const missing = ['inspect', `px-no-such-${sfx()}`]
      const missingDirect = await runCli(bin, missing, undefined)
      expect(await runCli(bin, missing, env.proxy.dockerHost)).toEqual(missingDirect)
      expect(missingDirect.code).toBe(1)
    }
    finally {
      await docker.getContainer(name).remove({ force: true }).catch(() => {})
    }
  })
})
