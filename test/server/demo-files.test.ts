/** A demo's files (```dockerfile [app/Dockerfile]) land in its working directory before its
 *  steps run: from step 1 afresh, from a later step where missing. */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseDeck } from '../../demo-server/deck/parse'
import type { StepRunContext } from '../../demo-server/engine/types'
import { writeDemoFiles } from '../../demo-server/server/demo-files'
import { RunManager } from '../../demo-server/server/run-manager'
import { createFakeEngine } from './fake-engine'

const DECK = [
  '<DockerDemo id="build">',
  '',
  '```dockerfile [app/Dockerfile]',
  'FROM alpine',
  'COPY hello.txt /',
  '```',
  '',
  '```text [app/hello.txt]',
  'こんにちは',
  '```',
  '',
  '```sh',
  'docker build -t hello app',
  'docker run --rm hello',
  '```',
  '',
  '</DockerDemo>',
  '',
].join('\n')

const demoOf = (source = DECK) => parseDeck(source, 'deck.md').demos[0]

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'docker-demo-files-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(dir => rm(dir, { recursive: true, force: true })))
})

describe('writeDemoFiles', () => {
  it('writes each file under the working directory, directories made', async () => {
    const workdir = path.join(await tempDir(), 'not-yet')
    expect(await writeDemoFiles(demoOf(), workdir)).toEqual(['app/Dockerfile', 'app/hello.txt'])
    expect(await readFile(path.join(workdir, 'app/Dockerfile'), 'utf8')).toBe('FROM alpine\nCOPY hello.txt /\n')
    expect(await readFile(path.join(workdir, 'app/hello.txt'), 'utf8')).toBe('こんにちは\n')
  })

  it('rewrites files, or with onlyMissing writes only those that are gone', async () => {
    const workdir = await tempDir()
    await writeDemoFiles(demoOf(), workdir)
    await writeFile(path.join(workdir, 'app/Dockerfile'), 'edited\n')
    await rm(path.join(workdir, 'app/hello.txt'))
    expect(await writeDemoFiles(demoOf(), workdir, { onlyMissing: true })).toEqual(['app/hello.txt'])
    expect(await readFile(path.join(workdir, 'app/Dockerfile'), 'utf8')).toBe('edited\n')
    await writeDemoFiles(demoOf(), workdir)
    expect(await readFile(path.join(workdir, 'app/Dockerfile'), 'utf8')).toBe('FROM alpine\nCOPY hello.txt /\n')
  })

  it('never writes through a symlink that leads out of the working directory', async () => {
    const workdir = await tempDir()
    const elsewhere = await tempDir()
    await symlink(elsewhere, path.join(workdir, 'app'))
    await expect(writeDemoFiles(demoOf(), workdir)).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringContaining('Cannot write file "app/Dockerfile" of demo "build" (deck.md:3)'),
    })
    await expect(readFile(path.join(elsewhere, 'Dockerfile'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('leaves no temporary file behind', async () => {
    const workdir = await tempDir()
    await mkdir(path.join(workdir, 'app'))
    await writeDemoFiles(demoOf(), workdir)
    const { readdir } = await import('node:fs/promises')
    expect((await readdir(path.join(workdir, 'app'))).sort()).toEqual(['Dockerfile', 'hello.txt'])
  })
})

describe('the run manager writes them before the steps run', () => {
  async function managerIn(workdir: string) {
    const deck = parseDeck(DECK, 'deck.md')
    const fake = createFakeEngine()
    const seen: string[] = []
    const engine = {
      ...fake,
      runStep: async (...args: Parameters<typeof fake.runStep>) => {
        const context: StepRunContext = args[1]
        seen.push(await readFile(path.join(context.workdir, 'app/Dockerfile'), 'utf8').catch(() => '(missing)'))
        return fake.runStep(...args)
      },
    }
    const runs = new RunManager({ engine, deck: () => deck, deckId: 'test', workdir, offline: true })
    return { runs, seen }
  }

  it('from step 1: after the reset, every file afresh', async () => {
    const workdir = await tempDir()
    const { runs, seen } = await managerIn(workdir)
    await writeFile(path.join(workdir, 'stale'), '')
    await mkdir(path.join(workdir, 'app'))
    await writeFile(path.join(workdir, 'app/Dockerfile'), 'FROM old\n')
    const ended = await runs.run('build').done
    expect(ended.map(e => e.outcome)).toEqual(['ok', 'ok'])
    expect(seen).toEqual(['FROM alpine\nCOPY hello.txt /\n', 'FROM alpine\nCOPY hello.txt /\n'])
  })

  it('from a later step: only the missing files, an edited one kept', async () => {
    const workdir = await tempDir()
    const { runs, seen } = await managerIn(workdir)
    await runs.run('build', { step: 1 }).done
    await writeFile(path.join(workdir, 'app/Dockerfile'), 'FROM edited\n')
    await rm(path.join(workdir, 'app/hello.txt'))
    await runs.run('build', { step: 2 }).done
    expect(seen).toEqual(['FROM alpine\nCOPY hello.txt /\n', 'FROM edited\n'])
    expect(await readFile(path.join(workdir, 'app/hello.txt'), 'utf8')).toBe('こんにちは\n')
  })

  it('a file that cannot be written ends the sequence before its first step, naming the file', async () => {
    const workdir = await tempDir()
    const { runs, seen } = await managerIn(workdir)
    await writeFile(path.join(workdir, 'app'), 'a file where a directory must go')
    const ended = await runs.run('build').done
    expect(ended).toHaveLength(1)
    expect(ended[0]).toMatchObject({ outcome: 'error', error: { code: 'STEP_FAILED', message: expect.stringContaining('"app/Dockerfile"') } })
    expect(seen).toEqual([])
  })
})
