import { expect, it } from 'vitest'
import { COMMANDS } from '../../../demo-server/docker-cli/commands'
import { supportedCommands } from '../../../demo-server/engine/docker-engine'

it('every command of the table has a handler, and no handler is outside the table', () => {
  expect(supportedCommands().sort()).toEqual(COMMANDS.map(c => c.path.join(' ')).sort())
})
