/** Reading a short stream of the engine's (an exec's answer) as text. */
import { StringDecoder } from 'node:string_decoder'

/**
 * The whole text of a short stream (an exec's answer), once it has ended, closed or failed:
 * an exec whose container went away meanwhile may close without ever ending.
 */
export function readText(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    const decoder = new StringDecoder('utf8')
    let text = ''
    const finish = () => resolve(text + decoder.end())
    stream.on('data', (chunk: Buffer) => { text += decoder.write(chunk) })
    stream.on('end', finish)
    stream.on('close', finish)
    stream.on('error', finish)
  })
}
