/**
 * Processes a step starts must end with it: cancel stops the process inside, exec leaves
 * nothing behind, a presenter can type into run -it, and host steps leave no helper.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { DECK_LABEL, HELPER_LABEL } from '../../demo-server/engine/labels'
import { docker, engineForThisFile, RecordingIO, TestDemo } from './harness'

const env = engineForThisFile()
const sfx = Math.random().toString(36).slice(2, 7)


/** Whether a process with this command line runs on the host (the tests run beside dockerd). */
function hostRuns(command: string): boolean {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(command)
}

/** The command lines running in a container, as `docker top` lists them. */
async function processes(name: string): Promise<string[]> {
  const top = await docker.getContainer(name).top() as { Titles: string[], Processes: string[][] }
  const cmd = top.Titles.indexOf('CMD')
  return top.Processes.map(p => p[cmd])
}

/**
 * Busybox's prompt: `/ # `, drawn once and redrawn after the answer to its cursor query, which
 * arrives at its own pace. Keys typed around the redraw are sometimes dropped by its line
 * editor (no human types that fast), so `typeUntil` types again until the effect shows.
 */
const promptReady = (io: RecordingIO) => async () => {
  if (!io.text.includes('/ # '))
    return false
  await new Promise(resolve => setTimeout(resolve, 300))
  return true
}

/** Types `keys` (at most three times) until `effect` holds. */
async function typeUntil(io: RecordingIO, keys: string, what: string, effect: () => Promise<boolean>): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    io.type(keys)
    try {
      return await waitFor(what, effect, attempt === 3 ? 5000 : 2000)
    }
    catch (error) {
      if (attempt === 3)
        throw error
    }
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check())
      return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`${what} did not happen within ${ms} ms`)
}

describe('cancel', () => {
  it('a cancelled foreground run stops its container', async () => {
    await using demo = new TestDemo(env.engine, `docker run --name fg-${sfx} alpine sleep 300`)
    const controller = new AbortController()
    const running = demo.run(1, { signal: controller.signal })
    await waitFor('the container starts', async () => (await docker.getContainer(`fg-${sfx}`).inspect().catch(() => undefined))?.State.Running === true)
    controller.abort()
    const result = await running
    expect(result.exitCode).toBe(137)
    expect((await docker.getContainer(`fg-${sfx}`).inspect()).State.Running).toBe(false)
  })

  it('a cancelled `/ #` step stops the process inside (Ctrl-C through its TTY)', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -it --name in-${sfx} alpine sh
/ # ping 127.0.0.1
`)
    await demo.run(1)
    const controller = new AbortController()
    const io = new RecordingIO()
    const running = demo.run(2, { signal: controller.signal }, io)
    await waitFor('ping prints', async () => io.text.includes('seq=1'))
    expect((await processes(`in-${sfx}`)).some(p => p.startsWith('ping'))).toBe(true)
    controller.abort()
    const result = await running
    expect(result.output).toContain('packets transmitted') // ping's own Ctrl-C summary
    expect((await processes(`in-${sfx}`)).some(p => p.startsWith('ping'))).toBe(false)
    // The container the demo entered keeps running for the next steps.
    expect((await docker.getContainer(`in-${sfx}`).inspect()).State.Running).toBe(true)
  })

  it('a cancelled docker exec leaves no process, even one that ignores SIGINT', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -d --name ex-${sfx} alpine sleep infinity
docker exec ex-${sfx} sh -c "trap '' INT; sleep 300"
docker exec -t ex-${sfx} sh -c "trap '' INT; sleep 301"
`)
    await demo.run(1)
    for (const step of [2, 3]) {
      const controller = new AbortController()
      const running = demo.run(step, { signal: controller.signal })
      await waitFor('sleep starts', async () => (await processes(`ex-${sfx}`)).some(p => p.startsWith('sleep 30')))
      controller.abort()
      await running
      // (The CLI's own exit code after Ctrl-C is its business; the run ends "cancelled".)
      expect((await processes(`ex-${sfx}`)).filter(p => p.startsWith('sleep 30') || p.startsWith('sh -c'))).toEqual([])
    }
  })
})

describe('interactive terminals', () => {
  it('the presenter types into run -it; exit ends the step with the shell\'s code', async () => {
    await using demo = new TestDemo(env.engine, `docker run -it --rm --name it-${sfx} alpine sh`)
    const io = new RecordingIO()
    const running = demo.run(1, { interactive: true }, io)
    await waitFor('the prompt', promptReady(io))
    await typeUntil(io, 'echo $((6*7))\r', 'the answer', async () => io.text.includes('42'))
    io.type('exit 5\r')
    const result = await running
    expect(result.exitCode).toBe(5)
    await expect(docker.getContainer(`it-${sfx}`).inspect()).rejects.toMatchObject({ statusCode: 404 }) // --rm
  })

  it('cancelling a presenter\'s run -it keeps its shell for the next steps', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -it --name keep-${sfx} alpine sh
/ # echo still here
`)
    const controller = new AbortController()
    const io = new RecordingIO()
    const running = demo.run(1, { interactive: true, signal: controller.signal }, io)
    await waitFor('the prompt', promptReady(io))
    controller.abort()
    expect((await running).exitCode).toBe(130)
    expect((await demo.run(2)).output).toBe('still here\n')
  })

  it('exec -it for a presenter: cancel stops what runs in the shell; leaving it leaves no shell behind', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -d --name eit-${sfx} alpine sleep infinity
docker exec -it eit-${sfx} sh
/ # echo $((6*7))
docker ps
`)
    await demo.run(1)
    const controller = new AbortController()
    const io = new RecordingIO()
    const running = demo.run(2, { interactive: true, signal: controller.signal }, io)
    await waitFor('the prompt', promptReady(io))
    await typeUntil(io, 'sleep 302\r', 'sleep starts', async () => (await processes(`eit-${sfx}`)).some(p => p.startsWith('sleep 302')))
    controller.abort()
    await running
    expect((await processes(`eit-${sfx}`))).toEqual(['sleep infinity', 'sh'])
    expect((await demo.run(3)).output).toBe('42\n')
    // A docker step: the presenter leaves the shell first (Ctrl-P Ctrl-Q), and its exec's
    // processes are killed, as the shell would have ended with `exit` at home.
    await demo.run(4)
    await waitFor('the shell ends', async () => (await processes(`eit-${sfx}`)).length === 1)
    expect((await processes(`eit-${sfx}`))).toEqual(['sleep infinity'])
  })

  it('without a presenter, run -it ends at the shell\'s prompt; the `/ #` lines are typed into that one shell', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -it --name enter-${sfx} alpine sh
/ # cd /tmp
/tmp # X=41; pwd
/tmp # echo $((X+1)) $$
/tmp # echo $$
`)
    // Busybox's banner, and no prompt: the next line shows it, before its own echo.
    const opened = await demo.run(1)
    expect(opened).toMatchObject({ exitCode: 0, output: expect.stringContaining('BusyBox') })
    expect(opened.shown).not.toMatch(/\/ # $/)
    expect((await docker.getContainer(`enter-${sfx}`).inspect()).State.Running).toBe(true)
    const cd = await demo.run(2)
    expect(cd.shown).toMatch(/^\/ # .*cd \/tmp\n$/s)
    expect(cd.output).toBe('')
    expect((await demo.run(3)).output).toBe('/tmp\n')
    const pid = /^42 (\d+)\n$/.exec((await demo.run(4)).output)
    expect(pid).not.toBeNull()
    expect((await demo.run(5)).shown).toMatch(new RegExp(`^/tmp # .*echo \\$\\$\n${pid![1]}\n$`, 's'))
  })

  it('a bare `/ # exit` is judged as a typed line: the status of the line before it was judged there', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -it --rm alpine sh
/ # false
/ # exit
`)
    await demo.run(1)
    expect((await demo.run(2)).exitCode).toBe(0)
    expect((await demo.run(3)).exitCode).toBe(0)
  })

  it('Ctrl-P Ctrl-Q leaves a presenter\'s run -it as at home: the step ends, the container runs on', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -it --name det-${sfx} alpine sh
/ # echo after leaving
`)
    const io = new RecordingIO()
    const running = demo.run(1, { interactive: true }, io)
    await waitFor('the prompt', promptReady(io))
    io.type('\x10\x11')
    expect((await running).exitCode).toBe(0)
    expect((await docker.getContainer(`det-${sfx}`).inspect()).State.Running).toBe(true)
    await expect(demo.run(2)).rejects.toMatchObject({ code: 'STEP_FAILED', message: expect.stringContaining('types into the program that line') })
  })

  it('a `/ #` line after its shell ended names the line that opened it', async () => {
    // `exec`: the deck check cannot see that this line ends the shell, as it sees `/ # exit`.
    await using demo = new TestDemo(env.engine, `
docker run -it --rm alpine sh
/ # exec sh -c 'exit 3'
/ # echo too late
`)
    await demo.run(1)
    expect((await demo.run(2)).exitCode).toBe(3)
    await expect(demo.run(3)).rejects.toMatchObject({ code: 'STEP_FAILED', message: expect.stringMatching(/^Step 3 \(inline\.md:\d+, "\/ # echo too late"\) types into the program that line \d+ started \("docker run -it --rm alpine sh"\), but that program has ended \(the line "exec sh -c 'exit 3'" left it\)\. Run line \d+ again/) })
  })
})

describe('attach and logs', () => {
  it('attach enters a running -dit container; a presenter types into it and leaves it running', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -dit --name at-${sfx} alpine sh
docker attach at-${sfx}
/ # echo entered
docker container attach at-${sfx}
docker exec -it at-${sfx} sh
`)
    await demo.run(1)
    expect(await demo.run(2)).toMatchObject({ exitCode: 0, output: '' })
    expect((await demo.run(3)).output).toBe('entered\n')
    expect((await processes(`at-${sfx}`))).toEqual(['sh'])
    const controller = new AbortController()
    const io = new RecordingIO()
    const running = demo.run(4, { interactive: true, signal: controller.signal }, io)
    await new Promise(resolve => setTimeout(resolve, 500))
    await typeUntil(io, 'echo $((6*7))\r', 'the answer', async () => io.text.includes('42'))
    controller.abort()
    expect((await running).exitCode).toBe(130)
    expect((await docker.getContainer(`at-${sfx}`).inspect()).State.Running).toBe(true)
    // Without a presenter, exec -it sh ends at its prompt (after busybox's banner).
    expect(await demo.run(5)).toMatchObject({ exitCode: 0, output: expect.stringMatching(/BusyBox.*\n\n$/s) })
  })

  it('attach to a container started without -i shows its output and ignores the presenter\'s keys', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -dt --name ato-${sfx} alpine sh -c 'while true; do echo tick; sleep 0.2; done'
docker attach ato-${sfx}
`)
    await demo.run(1)
    const controller = new AbortController()
    const io = new RecordingIO()
    const running = demo.run(2, { interactive: true, signal: controller.signal }, io)
    await waitFor('its output', async () => io.text.includes('tick'))
    // Its stdin is closed: there is nothing to write the keys to.
    io.type('ls\r')
    controller.abort()
    await running
    expect((await docker.getContainer(`ato-${sfx}`).inspect()).State.Running).toBe(true)
  })

  it('logs -f follows until cancelled; --tail limits', async () => {
    await using demo = new TestDemo(env.engine, `
docker run -d --name lf-${sfx} alpine sh -c 'for i in 1 2 3 4 5 6 7 8 9; do echo line$i; sleep 0.2; done; sleep 300'
docker logs -f lf-${sfx}
docker logs --tail 2 lf-${sfx}
`)
    await demo.run(1)
    const controller = new AbortController()
    const io = new RecordingIO()
    const following = demo.run(2, { signal: controller.signal }, io)
    await waitFor('line3 arrives while following', async () => io.text.includes('line3'))
    await waitFor('line9 arrives while following', async () => io.text.includes('line9'))
    controller.abort()
    // Ctrl-C, as the presenter would press it: the terminal shows ^C.
    expect((await following).output).toMatch(/^line1\nline2\nline3\nline4\nline5\nline6\nline7\nline8\nline9\n(?:\^C)?\n?$/)
    expect((await demo.run(3)).output).toBe('line8\nline9\n')
  })
})

describe('typing', () => {
  it('typing="30ms" types a line a character at a time; the line does the same', async () => {
    await using demo = new TestDemo(env.engine, 'echo typed-slowly')
    const io = new RecordingIO()
    const started = performance.now()
    const result = await demo.run(1, { typingMs: 30 }, io)
    expect(performance.now() - started).toBeGreaterThanOrEqual('echo typed-slowly'.length * 30)
    expect(result.output).toBe('typed-slowly\n')
  })
})

describe('host steps', () => {
  it('run on the Docker host and remove their helper', async () => {
    await using demo = new TestDemo(env.engine, `
CID=$(docker run -d alpine sleep infinity)
host$ sudo ls /var/lib/docker/containers/$CID
host$ pwd
host$ exit 4
`)
    await demo.run(1)
    const ls = await demo.run(2)
    expect(ls.exitCode).toBe(0)
    expect(ls.output).toMatch(/config\.v2\.json/)
    expect((await demo.run(3)).output.trim()).toBe(demo.workdir)
    expect((await demo.run(4)).exitCode).toBe(4)
    const helpers = await docker.listContainers({ all: true, filters: { label: [HELPER_LABEL] } })
    expect(helpers.filter(h => h.Labels[DECK_LABEL] === demo.deckId)).toEqual([])
  })

  it('a cancelled host step stops the command on the host', async () => {
    await using demo = new TestDemo(env.engine, `host$ sleep 303`)
    const controller = new AbortController()
    const running = demo.run(1, { signal: controller.signal })
    await waitFor('sleep starts on the host', async () => hostRuns('sleep 303'))
    controller.abort()
    await running
    await waitFor('sleep ends', async () => !hostRuns('sleep 303'))
  })
})
