/** The pools' bookkeeping: presenter slots, viewer slots, and viewers per address. */
import { describe, expect, it } from 'vitest'
import { WindowPool } from '../../demo-server/server/window-pool'

describe('WindowPool', () => {
  const limits = { maxPresenterWindows: 2, maxViewers: 5, maxViewersPerAddress: 3 }

  it('keeps viewers from one address to their cap, while others still join', () => {
    const pool = new WindowPool<number>(limits)
    for (let i = 0; i < 3; i++)
      pool.add(i, 'viewer', '192.0.2.7')
    expect(pool.refusal('viewer', '192.0.2.7')).toContain('3 viewer windows are open from 192.0.2.7')
    expect(pool.refusal('viewer', '192.0.2.8')).toBeUndefined()
    expect(pool.refusal('presenter', '192.0.2.7')).toBeUndefined()
    pool.delete(0)
    expect(pool.refusal('viewer', '192.0.2.7')).toBeUndefined()
  })

  it('fills the viewers\' pool from several addresses, never the presenter\'s', () => {
    const pool = new WindowPool<number>(limits)
    ;['a', 'a', 'b', 'b', 'c'].forEach((address, i) => pool.add(i, 'viewer', address))
    expect(pool.refusal('viewer', 'd')).toContain('5 viewers are watching')
    pool.add(10, 'presenter', 'a')
    expect(pool.refusal('presenter', 'a')).toBeUndefined()
    pool.add(11, 'presenter', 'a')
    expect(pool.refusal('presenter', 'a')).toContain('2 presenter windows are open')
    pool.delete(11)
    pool.delete(11) // twice is safe
    expect(pool.count('presenter')).toBe(1)
  })
})
