/** The demo shell's OSC 133 marks never reach a recording, nor the handout made from it. */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseRecording } from '../../demo-server/recordings/cast-file'
import { renderHandout } from '../../demo-server/recordings/handout'

const DIR = 'recordings/slides'
const files = readdirSync(DIR).filter(name => name.endsWith('.cast'))

describe('the seed recordings', () => {
  it('are there, one per demo', () => {
    expect(files.length).toBeGreaterThanOrEqual(40)
  })

  it.each(files)('%s holds no shell mark, in its events or its handout', async (name) => {
    const text = readFileSync(path.join(DIR, name), 'utf8')
    expect(text).not.toMatch(/\\u001b\]133;|\x1B\]133;/)
    const recording = parseRecording(text, name)
    const handout = await renderHandout(recording.steps, recording.header.width)
    expect(handout.map(step => step.html).join('')).not.toContain(']133;')
  })
})
