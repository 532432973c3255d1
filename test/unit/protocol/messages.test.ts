import { describe, expect, it } from 'vitest'
import { DemoError, isControlRequest, MAX_MESSAGE_BYTES, MAX_NESTING_DEPTH, parseClientMessage, splitInput, toErrorPayload } from '../../../demo-server/protocol'

function refusal(frame: string): { code: string, message: string } {
  try {
    parseClientMessage(frame)
  }
  catch (error) {
    return toErrorPayload(error)
  }
  throw new Error(`accepted ${frame}`)
}

describe('parseClientMessage', () => {
  it('accepts every client message in its documented shape', () => {
    expect(parseClientMessage('{"type":"run","token":"t","demoId":"d","step":2,"interactive":true,"cols":80,"rows":24}')).toMatchObject({ type: 'run', step: 2 })
    expect(parseClientMessage('{"type":"cancel","token":"t","demoId":"d"}').type).toBe('cancel')
    expect(parseClientMessage('{"type":"reset","token":"t"}').type).toBe('reset')
    expect(parseClientMessage('{"type":"input","token":"t","runId":"r","data":"ls\\r"}').type).toBe('input')
    expect(parseClientMessage('{"type":"resize","token":"t","runId":"r","cols":100,"rows":30}').type).toBe('resize')
    expect(parseClientMessage('{"type":"subscribe","demoId":"d"}').type).toBe('subscribe')
  })

  it('tells control requests from watching', () => {
    expect(isControlRequest(parseClientMessage('{"type":"reset","token":"t"}'))).toBe(true)
    expect(isControlRequest(parseClientMessage('{"type":"subscribe","demoId":"d"}'))).toBe(false)
  })

  it.each([
    ['not json', 'BAD_JSON'],
    ['[1,2]', 'BAD_MESSAGE'],
    ['null', 'BAD_MESSAGE'],
    ['{"type":"exec","command":"rm -rf /"}', 'BAD_MESSAGE'],
    ['{"type":"run","demoId":"d"}', 'BAD_MESSAGE'],
    ['{"type":"run","token":"t","demoId":"d","command":"docker ps"}', 'BAD_MESSAGE'],
    ['{"type":"run","token":"t","demoId":"d","step":0}', 'BAD_MESSAGE'],
    ['{"type":"resize","token":"t","runId":"r","cols":-1,"rows":5}', 'BAD_MESSAGE'],
    ['{"type":"subscribe","demoId":""}', 'BAD_MESSAGE'],
    // Names every object inherits are not message types, nor fields.
    ['{"type":"toString"}', 'BAD_MESSAGE'],
    ['{"type":"__proto__"}', 'BAD_MESSAGE'],
    ['{"type":"subscribe","demoId":"d","hasOwnProperty":1}', 'BAD_MESSAGE'],
  ])('refuses %s with %s', (frame, code) => {
    const payload = refusal(frame)
    expect(payload.code).toBe(code)
    expect(payload.message.length).toBeGreaterThan(10)
  })

  it('never lets a command line through: a run names a demo, not a command', () => {
    expect(refusal('{"type":"run","token":"t","demoId":"d","command":"id"}').message).toContain('unknown field "command"')
  })
})

/** `{"type":{"type":...1...}}` and friends, `depth` levels deep. */
function nested(depth: number, open: string, close: string, leaf = '1'): string {
  return open.repeat(depth) + leaf + close.repeat(depth)
}

describe('parseClientMessage on deep frames', () => {
  it.each([
    ['objects under "type"', nested(5_000, '{"type":', '}')],
    ['arrays under "type"', `{"type":${nested(5_000, '[', ']')}}`],
    ['a bare deep array', nested(5_000, '[', ']')],
    ['arrays in a field', `{"type":"run","token":"t","demoId":${nested(5_000, '[', ']', '"d"')}}`],
    ['mixed, within the size limit', nested(6_000, '{"a":[', ']}')],
    ['unclosed', '['.repeat(MAX_MESSAGE_BYTES - 1)],
  ])('refuses %s with BAD_MESSAGE naming the depth', (_name, frame) => {
    expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES)
    const payload = refusal(frame)
    expect(payload).toMatchObject({ code: 'BAD_MESSAGE' })
    expect(payload.message).toContain(`more than ${MAX_NESTING_DEPTH} levels deep`)
  })

  it('counts depth up to the limit as ordinary (the field is then refused by name)', () => {
    const payload = refusal(`{"type":"run","token":"t","demoId":${nested(MAX_NESTING_DEPTH - 1, '[', ']', '"d"')}}`)
    expect(payload.message).toBe('"run" message has an invalid or missing "demoId": got an array of 1 items, expected a string of 1 to 256 characters.')
    expect(refusal(nested(MAX_NESTING_DEPTH + 1, '[', ']')).message).toContain('levels deep (at character 9)')
  })

  it('does not count brackets inside strings, escaped quotes included', () => {
    const data = `${'['.repeat(1_000)}\\"${'{'.repeat(1_000)}`
    const message = parseClientMessage(JSON.stringify({ type: 'input', token: 't', runId: 'r', data }))
    expect(message).toEqual({ type: 'input', token: 't', runId: 'r', data })
  })

  it('names a bad "type" without walking into it, and cuts a long one short', () => {
    expect(refusal(`{"type":${nested(MAX_NESTING_DEPTH - 1, '{"type":', '}')}}`).message).toMatch(/^Unknown message type an object; expected one of run, /)
    const long = refusal(JSON.stringify({ type: 'x'.repeat(60_000) })).message
    expect(long.length).toBeLessThan(300)
    expect(long).toContain('(60000 characters)')
    expect(refusal('{"demoId":"d"}').message).toMatch(/^Unknown message type \(no "type" field\)/)
  })
})

/** Frames a careless or hostile client might send: each gets BAD_JSON or BAD_MESSAGE, never INTERNAL. */
const MALFORMED: string[] = [
  '', ' ', '\n', '"run"', '1', '-0', 'true', 'false', 'null', '[]', '{}', '[{"type":"run"}]',
  '{', '}', '{"type":', '{"type":"run"', '{"type":"run",}', '{"type":"run" "token":"t"}', '{type:"run"}',
  "{'type':'run'}", '{"type":"run"}garbage', '\uFEFF{"type":"subscribe","demoId":"d"}', '{"type":"\ud800"}',
  '{"type":null}', '{"type":1}', '{"type":true}', '{"type":[]}', '{"type":{}}', '{"type":"RUN"}', '{"type":" run"}',
  '{"type":"constructor"}', '{"type":"hasOwnProperty"}', '{"__proto__":{"type":"subscribe","demoId":"d"}}',
  '{"type":"subscribe","demoId":"d","__proto__":{"x":1}}', '{"type":"subscribe","demoId":{"toString":"d"}}',
  '{"type":"subscribe","demoId":1e999}', '{"type":"run","token":"t","demoId":"d","step":1.5}',
  '{"type":"run","token":"t","demoId":"d","step":"1"}', '{"type":"run","token":"t","demoId":"d","cols":1e3000}',
  '{"type":"run","token":"t","demoId":"d","interactive":"yes"}', '{"type":"resize","token":"t","runId":"r","cols":80}',
  '{"type":"input","token":"t","runId":"r","data":null}', `{"type":"input","token":"t","runId":"r","data":"${'x'.repeat(16 * 1024 + 1)}"}`,
  `{"type":"subscribe","demoId":"${'d'.repeat(257)}"}`, `{"type":"subscribe","demoId":"d","${'k'.repeat(10_000)}":1}`,
  '{"type":"subscribe","demoId":"d"}\u0000', '\u0000', '\\', '"\\"', '[[[[[[[[]]]]]]]]]]]]]]]',
]

/** A fixed-seed generator, so that a failing frame can be reproduced. */
function* randomFrames(count: number, seed = 42): Generator<string> {
  let state = seed
  const next = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state % n
  }
  const pieces = ['{', '}', '[', ']', '"type"', ':', ',', '"run"', '"subscribe"', '"token"', '"t"', '"demoId"', '"d"', '1', '-1', 'null', 'true', '"\\', '"', '\\u', ' ', '"step"', '0.5', '"data"']
  for (let i = 0; i < count; i++)
    yield Array.from({ length: 1 + next(40) }, () => pieces[next(pieces.length)]).join('')
}

describe('parseClientMessage on malformed frames', () => {
  it.each(MALFORMED.map(frame => [frame.length > 60 ? `${frame.slice(0, 60)}...` : frame, frame]))('refuses %j with a coded error', (_label, frame) => {
    const payload = refusal(frame)
    expect(['BAD_JSON', 'BAD_MESSAGE']).toContain(payload.code)
    expect(payload.message.length).toBeLessThan(400)
  })

  it('answers 5,000 random frames with a message or a coded refusal, never INTERNAL', () => {
    const codes = new Map<string, number>()
    for (const frame of randomFrames(5_000)) {
      let code = 'accepted'
      try {
        parseClientMessage(frame)
      }
      catch (error) {
        code = toErrorPayload(error).code
      }
      codes.set(code, (codes.get(code) ?? 0) + 1)
      expect(['accepted', 'BAD_JSON', 'BAD_MESSAGE'], frame).toContain(code)
    }
    expect(codes.get('BAD_MESSAGE')).toBeGreaterThan(0) // the generator reaches past JSON.parse
  })
})

describe('splitInput', () => {
  it('cuts a large paste into input messages the server takes, whole characters each', () => {
    for (const paste of ['\u0001'.repeat(40_000), '😀'.repeat(20_000), 'ls\r'.repeat(10_000)]) {
      const parts = splitInput(paste)
      expect(parts.length).toBeGreaterThan(1)
      expect(parts.join('')).toBe(paste)
      for (const data of parts) {
        const frame = JSON.stringify({ type: 'input', token: 't'.repeat(256), runId: 'r'.repeat(256), data })
        expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES)
        expect(parseClientMessage(frame).type).toBe('input')
        expect(data).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/) // no half of a surrogate pair
      }
    }
    expect(splitInput('ls\r')).toEqual(['ls\r'])
  })
})

describe('error payloads', () => {
  it('keeps the code of a DemoError and turns anything else into INTERNAL', () => {
    expect(toErrorPayload(new DemoError('UNKNOWN_DEMO', 'no demo "x"'))).toEqual({ code: 'UNKNOWN_DEMO', message: 'no demo "x"' })
    expect(toErrorPayload(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' })
  })
})
