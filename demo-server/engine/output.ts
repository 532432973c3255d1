/**
 * Where a step's output goes: the audience's terminal (StepIO.write) and, for
 * `NAME=$(docker ...)` steps, the captured stdout. Plain output gets `\r\n` line ends, as a
 * terminal's line discipline would add; TTY output is passed through as the container sent it.
 */
import { StringDecoder } from 'node:string_decoder'
import type { StepIO } from './types.ts'

/** `\n` -> `\r\n`, leaving existing `\r\n` alone. */
export function toTerminal(text: string): string {
  return text.replace(/\r?\n/g, '\r\n')
}

export class StepOutput {
  private captured = ''

  constructor(
    private readonly io: StepIO,
    /** Capture stdout instead of showing it, as `$(...)` does in a shell. */
    private readonly capture: boolean,
  ) {}

  /** Plain text to stdout. */
  out(text: string): void {
    if (this.capture)
      this.captured += text
    else if (text)
      this.io.write(toTerminal(text))
  }

  /** Plain text to stderr (always shown). */
  err(text: string): void {
    if (text)
      this.io.write(toTerminal(text))
  }

  /** Terminal bytes from a TTY, as they are. */
  tty(text: string): void {
    if (this.capture)
      this.captured += text.replace(/\r\n/g, '\n')
    else if (text)
      this.io.write(text)
  }

  get stdout(): string {
    return this.captured.trim()
  }
}

/** Frame header of the non-TTY attach/logs/exec stream: [type, 0, 0, 0, size32]. */
const HEADER = 8

/**
 * Splits Docker's multiplexed stream into stdout/stderr text, keeping UTF-8 sequences whole
 * across frames. Unlike modem.demuxStream it ends, and it reports when it has.
 */
export class FrameDemuxer {
  private buffer: Buffer = Buffer.alloc(0)
  private readonly decoders = [new StringDecoder('utf8'), new StringDecoder('utf8'), new StringDecoder('utf8')]
  /** The stream turned out not to be multiplexed (a TTY's): everything passes as stdout. */
  private passthrough = false

  constructor(private readonly emit: (stream: 'stdout' | 'stderr', text: string) => void) {}

  push(chunk: Buffer): void {
    if (this.passthrough) {
      this.emitText(1, chunk)
      return
    }
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    while (this.buffer.length > 0) {
      // A frame starts with its stream (0-2); anything else is terminal bytes, from here on.
      if (this.buffer[0] > 2) {
        this.passthrough = true
        this.emitText(1, this.buffer)
        this.buffer = Buffer.alloc(0)
        return
      }
      if (this.buffer.length < HEADER)
        return
      const type = this.buffer[0]
      const size = this.buffer.readUInt32BE(4)
      if (this.buffer.length < HEADER + size)
        return
      const payload = this.buffer.subarray(HEADER, HEADER + size)
      this.buffer = this.buffer.subarray(HEADER + size)
      this.emitText(type, payload)
    }
  }

  private emitText(type: number, bytes: Buffer): void {
    const text = this.decoders[type].write(bytes)
    if (text)
      this.emit(type === 2 ? 'stderr' : 'stdout', text)
  }

  end(): void {
    for (const [index, decoder] of this.decoders.entries()) {
      const rest = decoder.end()
      if (rest)
        this.emit(index === 2 ? 'stderr' : 'stdout', rest)
    }
  }
}

/**
 * Reads an attach/exec/logs stream to its end, to the output. Resolves when the stream has
 * ended or closed (whichever first), never rejects: a broken stream simply ends the output.
 */
export function pumpStream(stream: NodeJS.ReadableStream, tty: boolean, output: StepOutput): Promise<void> {
  return new Promise((resolve) => {
    const decoder = new StringDecoder('utf8')
    const demuxer = new FrameDemuxer((which, text) => (which === 'stderr' ? output.err(text) : output.out(text)))
    let done = false
    const finish = () => {
      if (done)
        return
      done = true
      if (tty)
        output.tty(decoder.end())
      else
        demuxer.end()
      resolve()
    }
    stream.on('data', (chunk: Buffer) => {
      if (tty)
        output.tty(decoder.write(chunk))
      else
        demuxer.push(chunk)
    })
    stream.on('end', finish)
    stream.on('close', finish)
    stream.on('error', finish)
  })
}

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
