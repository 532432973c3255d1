/** `--mount` and `-v` values as the deck check reads them (demo-server/docker-cli/mounts.ts). */
import { describe, expect, it } from 'vitest'
import { parseMountFlag, parseVolumeFlag } from '../../../demo-server/docker-cli/mounts'

describe('mounts', () => {
  it('reads every --mount key the deck teaches', () => {
    expect(parseMountFlag('type=volume,src=vol,dst=/app,readonly,volume-opt=o=size=100m')).toEqual({
      type: 'volume', source: 'vol', target: '/app', readOnly: true, volumeOptions: { o: 'size=100m' },
    })
    expect(parseMountFlag('type=bind,source=/tmp/x,destination=/app')).toMatchObject({ type: 'bind', source: '/tmp/x', target: '/app', readOnly: false })
    expect(parseMountFlag('dst=/app')).toMatchObject({ type: 'volume', source: undefined, target: '/app' })
    expect(parseMountFlag('type=tmpfs,target=/cache')).toMatchObject({ type: 'tmpfs', target: '/cache' })
  })

  it('tells what is wrong with a --mount', () => {
    expect(() => parseMountFlag('src=vol')).toThrow('needs a destination')
    expect(() => parseMountFlag('type=bind,dst=/x')).toThrow('needs a source')
  })

  it('takes keys and types it does not know: the CLI judges them, the check cannot ask it', () => {
    expect(parseMountFlag('type=tmpfs,dst=/cache,tmpfs-size=64m,tmpfs-mode=1770')).toMatchObject({ type: 'tmpfs', target: '/cache' })
    expect(parseMountFlag('type=bind,src=/tmp,dst=/x,bind-propagation=rslave')).toMatchObject({ type: 'bind', source: '/tmp' })
    expect(parseMountFlag('type=image,src=alpine,dst=/img')).toMatchObject({ type: 'other', target: '/img' })
  })

  it('reads -v as named volume, bind or anonymous volume', () => {
    expect(parseVolumeFlag('myvol2:/app')).toMatchObject({ type: 'volume', source: 'myvol2', target: '/app' })
    expect(parseVolumeFlag('/tmp/deck:/backup')).toMatchObject({ type: 'bind', source: '/tmp/deck', target: '/backup' })
    expect(parseVolumeFlag('/dbdata')).toMatchObject({ type: 'volume', source: undefined, target: '/dbdata' })
    expect(parseVolumeFlag('vol:/app:ro')).toMatchObject({ readOnly: true })
  })
})
