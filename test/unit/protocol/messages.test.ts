import { describe, expect, it } from 'vitest'
import { DemoError, isControlRequest, MAX_MESSAGE_BYTES, parseClientMessage, splitInput, toErrorPayload } from '../../../demo-server/protocol'

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
