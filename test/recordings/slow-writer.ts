/**
 * Child process for store.test.ts: writes a huge recording through writeFileAtomically, slowly
 * (a pause after every chunk), so that the test can kill -9 it half way.
 *   node --import tsx slow-writer.ts TARGET
 * Prints "writing TEMPFILE" once the first chunk is in the temp file.
 */
import { serializeRecording } from '../../demo-server/recordings/cast-file'
import { writeFileAtomically } from '../../demo-server/atomic-file'
import { helloRecording } from './helpers'

const target = process.argv[2]
const recording = helloRecording({ outputs: Array.from({ length: 20_000 }, (_, i): [number, string] => [0.1 + i / 1e5, `line ${i} ${'x'.repeat(400)}\r\n`]) })
let announced = false
await writeFileAtomically(target, serializeRecording(recording), {
  chunkBytes: 64 * 1024,
  afterChunk: async (_written, temp) => {
    if (!announced) {
      announced = true
      process.stdout.write(`writing ${temp}\n`)
    }
    await new Promise(resolve => setTimeout(resolve, 20))
  },
})
process.stdout.write('done\n')
