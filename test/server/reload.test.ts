/** The deck is the allowlist, read again when its file changes. */
import { appendFile, writeFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import type { StatusMessage } from '../../demo-server/protocol'
import { connect, fixtureServerPerFile, isEnded } from './helpers'

const env = fixtureServerPerFile()

const NEW_DEMO = `
<DockerDemo id="added">

\`\`\`sh
docker run --rm alpine echo added-later
\`\`\`

</DockerDemo>
`

describe('deck reload', () => {
  it('picks up an edited deck: a new status to every window, and the new demo runs', async () => {
    await using presenter = await connect(env.server)
    presenter.control({ type: 'run', demoId: 'added' })
    expect(await presenter.nextError()).toMatchObject({ code: 'UNKNOWN_DEMO' })

    const reloaded = presenter.next((m): m is StatusMessage => m.type === 'status' && m.deck.demos.some(d => d.id === 'added'), 10_000)
    await appendFile(env.box.deck, NEW_DEMO)
    const status = await reloaded
    expect(status.deck.problems).toEqual([])

    const ended = presenter.next(isEnded('added', 1), 30_000)
    presenter.control({ type: 'run', demoId: 'added' })
    expect((await ended).outcome).toBe('ok')
  }, 60_000)

  it('still loads a deck with problems, and reports them in the status', async () => {
    await using watcher = await connect(env.server, false)
    const reloaded = watcher.next((m): m is StatusMessage => m.type === 'status' && m.deck.problems.length > 0, 10_000)
    await writeFile(env.box.deck, `# broken\n\n<DockerDemo id="ok-one">\n\n\`\`\`sh\ndocker run --rm alpine echo fine\n\`\`\`\n\n</DockerDemo>\n\n<DockerDemo id="open">\n\n\`\`\`sh\nls -la\n\`\`\`\n`)
    const status = await reloaded
    expect(status.deck.demos.map(d => d.id)).toEqual(['ok-one', 'open'])
    expect(status.deck.problems.join('\n')).toMatch(/demos\.md:\d+: .*never closed/)
  }, 30_000)
})
