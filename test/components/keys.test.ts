import { describe, expect, it } from 'vitest'
import { keyToInput } from '../../components/keys'

describe('keys: what an interactive run is sent', () => {
  it('turns Enter, Backspace, arrows and Ctrl combinations into terminal bytes', () => {
    expect(keyToInput({ key: 'Enter' })).toBe('\r')
    expect(keyToInput({ key: 'Backspace' })).toBe('\x7F')
    expect(keyToInput({ key: 'ArrowUp' })).toBe('\x1B[A')
    expect(keyToInput({ key: 'c', ctrlKey: true })).toBe('\x03')
    expect(keyToInput({ key: 'D', ctrlKey: true })).toBe('\x04')
    expect(keyToInput({ key: ']', ctrlKey: true })).toBe('\x1D') // the server's detach key
    expect(keyToInput({ key: 'b', altKey: true })).toBe('\x1Bb')
  })

  it('leaves text, IME composition and Cmd shortcuts to the browser', () => {
    expect(keyToInput({ key: 'a' })).toBeUndefined()
    expect(keyToInput({ key: 'Enter', isComposing: true })).toBeUndefined()
    expect(keyToInput({ key: 'v', metaKey: true })).toBeUndefined()
    expect(keyToInput({ key: 'Shift' })).toBeUndefined()
  })
})
