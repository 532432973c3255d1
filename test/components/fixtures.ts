/** Protocol messages for the component tests, typed by the shared protocol module. */
import type {
  AsciicastHeader,
  DemoSummary,
  OutputMessage,
  RunEndedMessage,
  RunOutcome,
  RunStartedMessage,
  StatusMessage,
} from '../../demo-server/protocol'
import { PROTOCOL_VERSION } from '../../demo-server/protocol'

export const header: AsciicastHeader = { version: 2, width: 80, height: 24, timestamp: 1_790_000_000 }

export const helloDemo: DemoSummary = {
  id: 'hello',
  title: 'Hello',
  uses: [],
  file: 'slides.md',
  line: 3,
  steps: [
    { index: 1, command: 'docker run --rm alpine echo hello', prompt: '$ ', target: 'shell' },
    { index: 2, command: 'docker run --rm alpine ping -c 1 nowhere', prompt: '$ ', target: 'shell', expectFail: 'bad address' },
    { index: 3, command: 'docker pull python:latest', prompt: '$ ', target: 'shell', online: true },
    { index: 4, command: 'screen ~/Library/tty', prompt: '$ ', target: 'shell', shownOnly: 'Docker Desktop for Mac only' },
  ],
}

export function status(overrides: Partial<StatusMessage> = {}): StatusMessage {
  return {
    type: 'status',
    protocol: PROTOCOL_VERSION,
    engine: { available: true, version: '20.10.24', apiVersion: '1.41' },
    offline: false,
    deck: { file: 'slides.md', demos: [helloDemo], problems: [] },
    ...overrides,
  }
}

export function started(runId: string, step: number, demoId = 'hello'): RunStartedMessage {
  return {
    type: 'run-started',
    runId,
    demoId,
    step,
    command: helloDemo.steps[step - 1]?.command ?? 'true',
    prompt: '$ ',
    interactive: false,
    header,
  }
}

export function output(runId: string, data: string, t = 0.1, demoId = 'hello'): OutputMessage {
  return { type: 'output', runId, demoId, event: [t, 'o', data] }
}

export function ended(runId: string, step: number, outcome: RunOutcome, exitCode: number | null = 0, demoId = 'hello'): RunEndedMessage {
  return { type: 'run-ended', runId, demoId, step, outcome, exitCode }
}
