/** Recordings made by hand for the tests that need no engine: the runs a server would have
 *  streamed for test/recordings/fixtures/rehearse.md. */
import type { RunEndedMessage, RunOutcome, RunStartedMessage } from '../../demo-server/protocol'
import type { Recording } from '../../demo-server/recordings/cast-file'
import type { CollectedRun } from '../../demo-server/recordings/from-runs'
import { recordingFromRuns } from '../../demo-server/recordings/from-runs'

export function run(demoId: string, step: number, command: string, outputs: [number, string][], outcome: RunOutcome = 'ok', exitCode: number | null = 0, seconds = 0.5): CollectedRun {
  const runId = `${demoId}-${step}`
  const started: RunStartedMessage = {
    type: 'run-started',
    runId,
    demoId,
    step,
    command,
    prompt: '$ ',
    interactive: false,
    header: { version: 2, width: 80, height: 24, timestamp: 1_790_000_000, title: `${demoId} step ${step}` },
  }
  const ended: RunEndedMessage = { type: 'run-ended', runId, demoId, step, outcome, exitCode }
  return { started, events: [[0.000012, 'o', `$ ${command}\r\n`], ...outputs.map(([t, data]): [number, 'o', string] => [t, 'o', data])], ended, seconds }
}

export function helloRecording(overrides: { outputs?: [number, string][] } = {}): Recording {
  return recordingFromRuns([
    run('hello', 1, 'docker run --rm alpine echo hello', overrides.outputs ?? [[0.291234, 'hello\r\n']]),
    run('hello', 2, 'docker run --rm alpine sh -c \'seq 1 3; sleep 0.2; seq 4 6\'', [[0.3, '1\r\n2\r\n3\r\n'], [0.500001, '4\r\n5\r\n6\r\n']], 'ok', 0, 0.7),
  ], {
    deck: 'rehearse.md',
    demoId: 'hello',
    title: 'echo twice',
    recordedAt: new Date('2026-01-02T03:04:05.678Z'),
    env: { TERM: 'xterm-256color' },
    engine: { version: '20.10.24', apiVersion: '1.41' },
    dockerCli: '28.2.2',
    images: { 'alpine:latest': 'sha256:bd454e4c8f01c4926803e4a61609545c56d29d24c30ca87d3b73d057165ef742' },
    standins: true,
  })
}
