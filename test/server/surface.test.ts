/** Pins the public surface (demo-server/index.ts): a change to it is a deliberate one. */
import { expect, it } from 'vitest'
import * as surface from '../../demo-server/index'

it('exports exactly the documented names', () => {
  expect(Object.keys(surface).sort()).toEqual([
    'ACCEPTABLE_OUTCOMES',
    'CLOSE_TOO_LARGE',
    'DEFAULT_STEP_TIMEOUT_MS',
    'DemoError',
    'ERROR_CODES',
    'LOGIN_PATH',
    'MAX_MESSAGE_BYTES',
    'NodeDemoClient',
    'PROTOCOL_PATH',
    'PROTOCOL_VERSION',
    'RunManager',
    'TOKEN_PATH',
    'createDemoServer',
    'deckIdOf',
    'dockerDemoPlugin',
    'formatProblem',
    'isControlRequest',
    'parseClientMessage',
    'parseDeck',
    'startStandaloneServer',
    'toErrorPayload',
  ])
})
