/** The proxy's public surface: what the run path may import (index.ts), pinned. */
import { expect, it } from 'vitest'
import * as proxy from '../../demo-server/proxy/index'

it('exports the proxy, the table and the offline advice, nothing else', () => {
  expect(Object.keys(proxy).sort()).toEqual(['MAX_JSON_BODY_BYTES', 'OFFLINE_PULL_ADVICE', 'RULES', 'formatRules', 'matchRequest', 'startEngineProxy'])
})
