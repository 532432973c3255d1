/**
 * Frames nested thousands of levels deep reach the server as ordinary text frames (well within
 * MAX_MESSAGE_BYTES): each gets BAD_MESSAGE naming the depth, and the same connection goes on.
 */
import { describe, expect, it } from 'vitest'
import { MAX_MESSAGE_BYTES, MAX_NESTING_DEPTH } from '../../demo-server/protocol'
import { connect, fixtureServerPerFile } from './helpers'

const env = fixtureServerPerFile()

const DEEP_FRAMES = {
  'objects under "type"': `${'{"type":'.repeat(5_000)}"run"${'}'.repeat(5_000)}`,
  'arrays under "type"': `{"type":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
  'arrays in a control field': `{"type":"run","token":"t","demoId":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
}

describe('deeply nested frames', () => {
  it('get BAD_MESSAGE, and the connection stays', async () => {
    await using client = await connect(env.server)
    for (const [name, frame] of Object.entries(DEEP_FRAMES)) {
      expect(Buffer.byteLength(frame), name).toBeLessThan(MAX_MESSAGE_BYTES)
      client.sendRaw(frame)
      const error = await client.nextError(10_000)
      expect(error, name).toMatchObject({ type: 'error', code: 'BAD_MESSAGE' })
      expect(error.message, name).toContain(`more than ${MAX_NESTING_DEPTH} levels deep`)
    }
    // Same connection, next request:
    const snapshot = client.next(m => m.type === 'snapshot', 10_000)
    client.send({ type: 'subscribe', demoId: 'hello' })
    expect(await snapshot).toMatchObject({ type: 'snapshot', demoId: 'hello' })
  }, 30_000)
})
