/** Containers end to end through the real CLI (test/engine/fidelity.test.ts compares output). */
import { describe, expect, it } from 'vitest'
import { DemoError } from '../../demo-server/protocol'
import { docker, engineForThisFile, RecordingIO, TestDemo } from './harness'

const env = engineForThisFile()
const sfx = Math.random().toString(36).slice(2, 7)

describe('containers', () => {
  it('diff lists the file a container added', async () => {
    await using demo = new TestDemo(env.engine, `
docker run --name df-${sfx} alpine touch /etc/test.txt
docker diff df-${sfx}
`)
    const out = await demo.runAll()
    expect(out[1]).toBe('C /etc\nA /etc/test.txt\n')
  })

  it('keeps NAME=$(docker run -d ...) in the demo\'s shell, and later lines use $NAME', async () => {
    await using demo = new TestDemo(env.engine, `
CID=$(docker run -d alpine sh -c "trap 'exit 0' TERM; sleep 1000 & wait")
echo $CID
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
    expect(first.output).toBe('') // $(...) took it, as in any shell
    const cid = (await demo.run(2)).output.trim()
    expect(cid).toMatch(/^[0-9a-f]{64}$/)
    expect((await demo.run(3)).output).toMatch(/^true \[sh -c trap/)
    expect((await demo.run(4)).output).toBe('inside\n')
    expect((await demo.run(5)).output).toBe(`${cid}\n`)
    expect((await demo.run(6)).output).toBe('exited\n')
    expect((await demo.run(7)).output).toBe(`${cid}\n`)
    expect((await demo.run(8)).output).toBe(`${cid}\n`)
    expect((await demo.run(9)).output).toBe(`${cid}\n`)
    expect((await demo.run(10)).output).toBe('false\n')
    expect((await demo.run(11)).output).toBe(`${cid}\n`)
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

  it('runs what bash runs: $(...) of any program, an unset variable as empty', async () => {
    await using demo = new TestDemo(env.engine, `
docker run --rm alpine echo "[$(echo sub)]"
docker run --rm alpine echo "[$UNSET_${sfx}]"
`)
    expect((await demo.run(1)).output).toBe('[sub]\n')
    expect((await demo.run(2)).output).toBe('[]\n')
  })

  it('a line bash could not finish is UNSUPPORTED_COMMAND naming the step, before anything is typed', async () => {
    await using demo = new TestDemo(env.engine, `docker run --rm alpine echo "unclosed`, 'demo', { allowProblems: true })
    const io = new RecordingIO()
    const error = await demo.run(1, {}, io).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(DemoError)
    expect(error).toMatchObject({ code: 'UNSUPPORTED_COMMAND', message: expect.stringMatching(/^Step 1 \(inline\.md:\d+\): unexpected EOF while looking for matching `"'/) })
    expect(io.text).toBe('')
  })

  it('logs shows stdout and stderr; a TTY run shows what a terminal at home gets', async () => {
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
    // The container's TTY makes \n \r\n, and the CLI's own terminal (cooked, without -i) adds
    // another \r: exactly the bytes a presenter's terminal receives at home.
    expect(tty.io.text.slice(tty.io.text.indexOf('\n') + 1)).toBe('tty\r\r\n')
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
