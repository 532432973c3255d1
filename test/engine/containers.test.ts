/** Containers end to end, and our output next to the docker CLI's for the same objects. */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { DemoError } from '../../demo-server/protocol'
import { docker, engineForThisFile, TestDemo } from './harness'

const env = engineForThisFile()
const sfx = Math.random().toString(36).slice(2, 7)
const cli = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' })


describe('containers', () => {
  it('diff lists the file a container added', async () => {
    await using demo = new TestDemo(env.engine, `
docker run --name df-${sfx} alpine touch /etc/test.txt
docker diff df-${sfx}
`)
    const out = await demo.runAll()
    expect(out[1]).toBe('C /etc\nA /etc/test.txt\n')
  })

  it('keeps stdout of NAME=$(docker run -d ...) as $NAME, and later steps use it', async () => {
    await using demo = new TestDemo(env.engine, `
CID=$(docker run -d alpine sh -c "trap 'exit 0' TERM; sleep 1000 & wait")
docker inspect -f '{{.State.Running}} {{.Config.Cmd}}' $CID
docker exec $CID echo inside
docker stop $CID
docker inspect --format '{{.State.Status}}' $CID
docker start $CID
docker restart $CID
docker kill $CID
docker inspect --format '{{json .State.Running}}' $CID
docker rm $CID
`)
    const first = await demo.run(1)
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toMatch(/^[0-9a-f]{64}$/)
    expect(first.output).toBe('') // captured, as a shell's $(...) would
    expect(demo.session.variables.get('CID')).toBe(first.stdout)
    const cid = first.stdout!
    expect((await demo.run(2)).output).toMatch(/^true \[sh -c trap/)
    expect((await demo.run(3)).output).toBe('inside\n')
    expect((await demo.run(4)).output).toBe(`${cid}\n`)
    expect((await demo.run(5)).output).toBe('exited\n')
    expect((await demo.run(6)).output).toBe(`${cid}\n`)
    expect((await demo.run(7)).output).toBe(`${cid}\n`)
    expect((await demo.run(8)).output).toBe(`${cid}\n`)
    expect((await demo.run(9)).output).toBe('false\n')
    expect((await demo.run(10)).output).toBe(`${cid}\n`)
    await expect(docker.getContainer(cid).inspect()).rejects.toMatchObject({ statusCode: 404 })
  })

  it('returns the exit code of the command and prints the CLI\'s errors', async () => {
    await using demo = new TestDemo(env.engine, `
docker run --rm alpine sh -c "echo out; echo err >&2; exit 3"
docker run --rm alpine no-such-command
docker stop no-such-container-${sfx}
docker inspect no-such-object-${sfx}
`)
    const a = await demo.run(1)
    expect(a.exitCode).toBe(3)
    expect(a.output).toContain('out\n')
    expect(a.output).toContain('err\n')
    const b = await demo.run(2)
    expect(b.exitCode).toBe(127)
    expect(b.output).toMatch(/^docker: Error response from daemon: .*executable file not found/)
    const c = await demo.run(3)
    expect(c).toMatchObject({ exitCode: 1, output: `Error response from daemon: No such container: no-such-container-${sfx}\n` })
    const d = await demo.run(4)
    expect(d).toMatchObject({ exitCode: 1, output: `[]\nError: No such object: no-such-object-${sfx}\n` })
  })

  it('exec -d of a missing command is the daemon\'s error, exit 1, as the CLI prints it', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -d --name exd-${sfx} alpine sleep infinity
docker exec -d exd-${sfx} no-such-command
`)
    await demo.run(1)
    const result = await demo.run(2)
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/^Error response from daemon: .*executable file not found.*\n$/)
  })

  it('a command line the engine cannot run is UNSUPPORTED_COMMAND naming the step, wherever it is found', async () => {
    await using demo = new TestDemo(env.engine, `
docker inspect --format '{{range .Mounts}}x{{end}}' alpine
docker run --network a-${sfx} --network b-${sfx} alpine true
`)
    for (const step of [1, 2]) {
      const error = await demo.run(step).then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(DemoError)
      expect(error).toMatchObject({ code: 'UNSUPPORTED_COMMAND', message: expect.stringMatching(new RegExp(`^Step ${step} \\(inline\\.md:\\d+\\): `)) })
    }
  })

  it('logs shows stdout and stderr; a TTY run keeps its \\r\\n', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -d --name lg-${sfx} alpine sh -c "echo one; echo two >&2"
docker logs lg-${sfx}
docker run --rm -t alpine echo tty
`)
    await demo.run(1)
    await docker.getContainer(`lg-${sfx}`).wait()
    const logs = await demo.run(2)
    expect(logs.output).toContain('one\n')
    expect(logs.output).toContain('two\n')
    const tty = await demo.run(3)
    expect(tty.io.text).toBe('tty\r\n')
  })

  it('logs of a container without a readable log driver is the daemon\'s error, exit 1', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -d --name nolog-${sfx} --log-driver none alpine echo gone
docker logs nolog-${sfx}
`)
    await demo.run(1)
    expect(await demo.run(2)).toMatchObject({ exitCode: 1, output: 'Error response from daemon: configured logging driver does not support reading\n' })
  })

  it('does not lose the first bytes of a short-lived container (20 runs)', async () => {
    await using demo = new TestDemo(env.engine, 'docker run --rm alpine echo first-line')
    for (let i = 0; i < 20; i++)
      expect((await demo.run(1)).output).toBe('first-line\n')
  })
})

describe('output shaped like the docker CLI\'s', () => {
  it('ps -a -s, with ports and sizes', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -d --name ps-${sfx} -p 127.0.0.1:18765:80 alpine sh -c "echo 12345 > /big; sleep infinity"
docker ps -a -s
`)
    await demo.run(1)
    await new Promise(resolve => setTimeout(resolve, 300))
    const ours = (await demo.run(2)).output.split('\n')
    const theirs = cli('ps', '-a', '-s').split('\n')
    expect(ours[0]).toMatch(/^CONTAINER ID   IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES +SIZE$/)
    const ourRow = ours.find(l => l.includes(`ps-${sfx}`))!
    const theirRow = theirs.find(l => l.includes(`ps-${sfx}`))!
    // Same cells (widths differ when another container is listed between the two calls;
    // a second may pass between them).
    const fields = (row: string) => row.replace(/(\d+ seconds?|Less than a second)/g, 'N seconds').split(/ {3,}/)
    expect(fields(ourRow)).toEqual(fields(theirRow))
    expect(ourRow).toContain('127.0.0.1:18765->80/tcp')
    expect(ourRow).toMatch(/\dB \(virtual 1\.99MB\)$/)
  })

  it('images, history, network ls, volume ls, info, inspect match the CLI', async () => {
    await using demo = new TestDemo(env.engine, `
docker images
docker history alpine
docker network ls
docker volume ls
docker info
docker inspect alpine
docker network inspect bridge
docker volume create cmp-${sfx}
docker run -d --name cmp-${sfx} -v cmp-${sfx}:/d alpine sleep infinity
docker inspect cmp-${sfx}
docker volume inspect cmp-${sfx}
`)
    const out = await demo.runAll(7)
    // Cells, with durations made equal (a minute may turn between the two calls), rows sorted
    // (the daemon orders images created in the same second differently from call to call).
    const cells = (text: string) => text.replace(/(\d+ \w+|About an? \w+|Less than a second) ago/g, 'N ago').split('\n').sort().map(l => l.split(/ {3,}/))
    expect(cells(out[0])).toEqual(cells(cli('images')))
    expect(cells(out[1])).toEqual(cells(cli('history', 'alpine')))
    expect(out[2]).toBe(cli('network', 'ls'))
    expect(out[3]).toBe(cli('volume', 'ls'))
    // Counts change when containers come and go meanwhile (other test files, other users).
    // The CLI prints runtimes in Go's random map order; we sort them.
    const counts = (text: string) => text
      .replace(/^( Containers| {2}Running| {2}Paused| {2}Stopped| Images): \d+$/gm, '$1: N')
      .replace(/^ Runtimes: (.*)$/m, (_, list: string) => ` Runtimes: ${list.split(' ').sort().join(' ')}`)
    const info = counts(cli('info'))
    const server = counts(out[4].slice(out[4].indexOf('Server:')))
    expect(info).toContain(server.trimEnd())
    expect(out[5]).toBe(cli('inspect', 'alpine'))
    expect(out[6]).toBe(cli('network', 'inspect', 'bridge'))
    const more = await demo.runAll(11, 8)
    expect(more[2]).toBe(cli('inspect', `cmp-${sfx}`))
    expect(more[3]).toBe(cli('volume', 'inspect', `cmp-${sfx}`))
  })
})
