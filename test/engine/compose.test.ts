/**
 * Compose v1 (`docker-compose`, Debian's 1.29) through the demo server's proxy: a project from
 * files in the deck comes up labelled (containers, network, volume and the image it builds), an
 * exec session shares one shell, `down` removes the project and leaves the presenter's own
 * container of the same project alone, with a readable refusal.
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import { DemoError } from '../../demo-server/protocol'
import { DECOY_LABEL, DECOY_VALUE, RecordingIO, TestDemo, docker, engineForThisFile } from './harness'

const env = engineForThisFile()
const project = `cmp${randomUUID().slice(0, 6)}`

beforeAll(async () => {
  const version = await promisify(execFile)('docker-compose', ['version', '--short']).then(r => r.stdout.trim(), () => undefined)
  if (!version)
    throw new Error('The compose tests need compose v1 on PATH as docker-compose: apt-get install -y --no-install-recommends docker-compose')
})

const FILES: Record<string, string> = {
  'shop/docker-compose.yml': [
    'version: "3"',
    'services:',
    '  web:',
    '    image: alpine:${TAG}',
    '    command: sleep 300',
    '    volumes: [data:/data]',
    '  tool:',
    '    build: .',
    '    command: sleep 300',
    'volumes:',
    '  data:',
    '',
  ].join('\n'),
  'shop/Dockerfile': 'FROM alpine:latest\nRUN echo built > /built\n',
}

function writeFiles(demo: TestDemo): void {
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(demo.workdir, file)), { recursive: true })
    fs.writeFileSync(path.join(demo.workdir, file), text)
  }
}

// TAG: the compose file's variable, set before the program as in a shell.
const compose = `TAG=latest docker-compose -f shop/docker-compose.yml -p ${project}`
let demo: TestDemo

beforeAll(() => {
  demo = new TestDemo(env.engine, `
${compose} up -d
${compose} exec -T tool cat /built
${compose} exec tool sh
/ # cd /tmp && echo kept > here
/ # cat here && pwd
/ # exit
${compose} down -v --rmi local -t 1
docker-compose -H unix:///var/run/docker.sock -p ${project} ps
DOCKER_HOST=unix:///var/run/docker.sock docker-compose -p ${project} ps
`)
  writeFiles(demo)
})
afterAll(async () => {
  await demo?.cleanup()
  await docker.getImage(`${project}_tool`).remove({ force: true }).catch(() => {})
})

describe('docker-compose through the proxy', () => {
  it('brings a project up from the deck\'s files, everything it makes labelled', async () => {
    const up = await demo.run(1)
    expect(up.exitCode, up.output).toBe(0)
    expect(up.output).toContain('Successfully built')
    const mine = (labels?: Record<string, string> | null) => labels?.[DECK_LABEL] === demo.deckId
    const containers = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })
    expect(containers.map(c => c.Names[0]).sort()).toEqual([`/${project}_tool_1`, `/${project}_web_1`])
    expect(containers.every(c => mine(c.Labels))).toBe(true)
    expect(mine((await docker.getNetwork(`${project}_default`).inspect()).Labels)).toBe(true)
    expect(mine((await docker.getVolume(`${project}_data`).inspect()).Labels)).toBe(true)
    expect(mine((await docker.getImage(`${project}_tool`).inspect()).Config.Labels)).toBe(true)
  })

  it('runs a command in a service, and an exec session shares one shell', async () => {
    const cat = await demo.run(2)
    expect(cat.exitCode).toBe(0)
    expect(cat.output.trim()).toBe('built')
    const io = new RecordingIO()
    expect((await demo.run(3, {}, io)).exitCode).toBe(0)
    expect((await demo.run(4, {}, io)).exitCode).toBe(0)
    const pwd = await demo.run(5, {}, io)
    expect(pwd.exitCode).toBe(0)
    expect(io.plain).toMatch(/^kept\r?$/m)
    expect(io.plain).toMatch(/^\/tmp\r?$/m)
    await demo.run(6, {}, io)
  })

  it('down removes the project and leaves the presenter\'s own container of that project, with a readable refusal', async () => {
    // The presenter's own container, labelled as a container of the same compose project.
    const decoy = await docker.createContainer({
      Image: 'alpine:latest',
      Cmd: ['sleep', '300'],
      name: `${project}_web_9`,
      Labels: {
        [DECOY_LABEL]: DECOY_VALUE,
        'com.docker.compose.project': project,
        'com.docker.compose.service': 'web',
        'com.docker.compose.oneoff': 'False',
        'com.docker.compose.container-number': '9',
      },
    })
    await decoy.start()
    // compose goes on past the refusal and removes the rest, as it would past any daemon error.
    const down = await demo.run(7)
    expect(down.exitCode).toBe(0)
    expect(down.output).toMatch(new RegExp(`ERROR: for ${project}_web_9 +docker-demo: container "[0-9a-f]{64}" was not created by this deck`))
    expect((await decoy.inspect()).State.Running).toBe(true)
    const left = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })
    expect(left.map(c => c.Names[0])).toEqual([`/${project}_web_9`])
    expect(await docker.getVolume(`${project}_data`).inspect().then(() => true, () => false)).toBe(false)
    expect(await docker.getImage(`${project}_tool`).inspect().then(() => true, () => false)).toBe(false)
    await decoy.remove({ force: true })
  })

  it('refuses a global -H, or a DOCKER_HOST set before the program, that would leave the proxy', async () => {
    const error = await demo.run(8).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(DemoError)
    expect((error as DemoError).code).toBe('UNSUPPORTED_COMMAND')
    expect((error as DemoError).message).toMatch(/Step 8 \(inline\.md:\d+\): "docker-compose -H unix:\/\/\/var\/run\/docker\.sock": every step goes through the demo server/)
    const variable = await demo.run(9).then(() => undefined, (e: unknown) => e)
    expect((variable as DemoError).code).toBe('UNSUPPORTED_COMMAND')
    expect((variable as DemoError).message).toMatch(/Step 9 \(inline\.md:\d+\): DOCKER_HOST=\.\.\. before docker-compose: every line talks to Docker through/)
  })
})
