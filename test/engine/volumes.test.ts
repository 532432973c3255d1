/** Volumes end to end: sharing, labelling, binds under $(pwd), prune that spares others. */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DECK_LABEL } from '../../demo-server/engine/labels'
import { DECOY_LABEL, DECOY_VALUE, docker, engineForThisFile, TestDemo } from './harness'

const env = engineForThisFile()
const sfx = Math.random().toString(36).slice(2, 7)


describe('volumes', () => {
  it('a second container sees test.txt in a shared volume', async () => {
    await using demo = new TestDemo(env.engine, `
docker volume create vol-${sfx}
docker run --rm --mount src=vol-${sfx},dst=/app alpine touch /app/test.txt
docker run --rm --mount src=vol-${sfx},dst=/app alpine ls /app
docker volume ls
docker volume inspect vol-${sfx}
`)
    const out = await demo.runAll()
    expect(out[0]).toBe(`vol-${sfx}\n`)
    expect(out[2]).toBe('test.txt\n')
    expect(out[3]).toMatch(new RegExp(`^DRIVER    VOLUME NAME\\n[\\s\\S]*local     vol-${sfx}\\n`))
    const inspected = JSON.parse(out[4]) as Array<{ Name: string, Labels: Record<string, string> }>
    expect(inspected[0].Name).toBe(`vol-${sfx}`)
    expect(inspected[0].Labels[DECK_LABEL]).toBe(demo.deckId)
    // The --rm containers are gone.
    expect(await docker.listContainers({ all: true, filters: { label: [`${DECK_LABEL}=${demo.deckId}`] } })).toEqual([])
  })

  it('labels the volumes Docker would create: --mount src=X, -v X:/p, anonymous -v /p', async () => {
    await using demo = new TestDemo(env.engine, `
docker run --rm --mount src=auto-${sfx},dst=/a -v auto2-${sfx}:/b -v /c alpine true
`)
    await demo.runAll()
    for (const name of [`auto-${sfx}`, `auto2-${sfx}`]) {
      const info = await docker.getVolume(name).inspect() as { Labels: Record<string, string> }
      expect(info.Labels[DECK_LABEL]).toBe(demo.deckId)
    }
    const { removed } = await env.engine.reset({ deckId: demo.deckId })
    expect(removed.volumes).toBe(2) // the anonymous one went with its --rm container
  })

  it('an anonymous volume of a kept container carries the labels', async () => {
    await using demo = new TestDemo(env.engine, `docker run --name anon-${sfx} -v /data alpine true`)
    await demo.runAll()
    const info = await docker.getContainer(`anon-${sfx}`).inspect()
    const name = info.Mounts.find(m => m.Destination === '/data')!.Name!
    const volume = await docker.getVolume(name).inspect() as { Labels: Record<string, string> }
    expect(volume.Labels[DECK_LABEL]).toBe(demo.deckId)
  })

  it('--volumes-from shares a data container\'s volumes', async () => {
    await using demo = new TestDemo(env.engine, `
docker run --name data-${sfx} -v /shared alpine touch /shared/from-data
docker run --rm --volumes-from data-${sfx} alpine ls /shared
`)
    const out = await demo.runAll()
    expect(out[1]).toBe('from-data\n')
  })

  it('-v $(pwd):/backup writes into the demo directory', async () => {
    await using demo = new TestDemo(env.engine, `docker run --rm -v $(pwd):/backup alpine sh -c "echo saved > /backup/out.txt"`)
    await demo.runAll()
    expect(fs.readFileSync(path.join(demo.workdir, 'out.txt'), 'utf8')).toBe('saved\n')
  })

  it('volume prune removes this deck\'s unused volumes and leaves an unlabelled decoy', async () => {
    const decoy = `decoy-vol-${sfx}`
    await docker.createVolume({ Name: decoy, Labels: { [DECOY_LABEL]: DECOY_VALUE } })
    const demo = new TestDemo(env.engine, `
docker volume create mine-${sfx}
docker volume prune -f
`)
    try {
      const out = await demo.runAll()
      expect(out[1]).toBe(`Deleted Volumes:\nmine-${sfx}\n\nTotal reclaimed space: 0B\n`)
      expect((await docker.getVolume(decoy).inspect()).Name).toBe(decoy)
    }
    finally {
      await demo.cleanup()
      await docker.getVolume(decoy).remove()
    }
  })
})
