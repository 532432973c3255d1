import { expect, it } from 'vitest'
import * as engine from '../../../demo-server/engine/index'

it('the engine layer exports createDockerEngine and the label helpers, nothing else', () => {
  expect(Object.keys(engine).sort()).toEqual(['HELPER_LABEL', 'createDockerEngine', 'demoLabels'])
})
