/**
 * Stands in for the virtual module `virtual:docker-demo-recordings` (served by
 * demo-server/server/recordings-plugin.ts) in the tests that mount components: a plain object
 * the tests fill, with one recording of the fixture demo "hello".
 */
import type { DemoRecording, RecordingsData } from '../../components/recordings'
import { helloDemo } from './fixtures'

export const helloRecording: DemoRecording = {
  demoId: 'hello',
  file: 'recordings/slides/hello.cast',
  recordedAt: '2026-11-30T10:00:00Z',
  width: 80,
  height: 24,
  steps: [{
    index: 1,
    command: helloDemo.steps[0].command,
    prompt: '$ ',
    commandHash: '0',
    outcome: 'ok',
    exitCode: 0,
    start: 0,
    duration: 0.4,
    events: [[0, 'o', `$ ${helloDemo.steps[0].command}\r\n`], [0.3, 'o', 'recorded hello\r\n']],
  }],
  stale: [],
  handout: [{ index: 1, prompt: '$ ', command: helloDemo.steps[0].command, outcome: 'ok', exitCode: 0, html: '<div><span>recorded hello</span></div>', cut: 0 }],
}

const data: RecordingsData = { serverBuilt: true, recordings: {}, missing: [], problems: [] }

export const mockRecordings = {
  data,
  reset(): void {
    data.serverBuilt = true
    data.recordings = {}
  },
}

export default data
