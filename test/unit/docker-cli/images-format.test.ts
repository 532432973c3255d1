import { describe, expect, it } from 'vitest'
import { PullProgressRenderer, formatHistory, formatImages, normalizeImageRef, progressString, splitTag } from '../../../demo-server/docker-cli/format/images'

const NOW = Date.parse('2026-11-28T12:00:00Z')
const s = (agoMs: number) => (NOW - agoMs) / 1000

describe('docker images', () => {
  it('prints one row per tag in the daemon order, <none> for untagged', () => {
    const text = formatImages([
      { Id: 'sha256:a5cff6831e22bbbb', RepoTags: ['amazon/aws-cli:latest'], Created: s(60_000), Size: 46_490_000 },
      { Id: 'sha256:3c6dac2d0fb8aaaa', RepoTags: ['alpine:latest', '127.0.0.1:5000/library/alpine:latest'], Created: s(120_000), Size: 1_990_000 },
      { Id: 'sha256:54684c5f2e37cccc', RepoTags: [], Created: s(4 * 60_000), Size: 42_800_000 },
    ], NOW)
    expect(text).toBe([
      'REPOSITORY                      TAG       IMAGE ID       CREATED              SIZE',
      'amazon/aws-cli                  latest    a5cff6831e22   About a minute ago   46.5MB',
      'alpine                          latest    3c6dac2d0fb8   2 minutes ago        1.99MB',
      '127.0.0.1:5000/library/alpine   latest    3c6dac2d0fb8   2 minutes ago        1.99MB',
      '<none>                          <none>    54684c5f2e37   4 minutes ago        42.8MB',
      '',
    ].join('\n'))
  })

  it('splits a tag from a registry port', () => {
    expect(splitTag('127.0.0.1:5000/library/alpine:3.20')).toEqual({ repository: '127.0.0.1:5000/library/alpine', tag: '3.20' })
    expect(splitTag('127.0.0.1:5000/library/alpine')).toEqual({ repository: '127.0.0.1:5000/library/alpine', tag: '<none>' })
  })
})

describe('docker history', () => {
  it('cuts CREATED BY at 45 characters and keeps <missing>', () => {
    const text = formatHistory([
      { Id: 'sha256:3c6dac2d0fb8aaaa', Created: s(120_000), CreatedBy: '/bin/sh -c #(nop)  LABEL org.opencontainers.image.description=x', Size: 0, Comment: '' },
      { Id: '<missing>', Created: s(11 * 60_000), CreatedBy: '/bin/sh -c #(nop) ADD file:b3cbfb2541cb2a3b4aaaa in /', Size: 1_990_000, Comment: '' },
    ], NOW)
    expect(text).toBe(
      'IMAGE          CREATED          CREATED BY                                      SIZE      COMMENT\n'
      + '3c6dac2d0fb8   2 minutes ago    /bin/sh -c #(nop)  LABEL org.opencontainers.…   0B        \n'
      + '<missing>      11 minutes ago   /bin/sh -c #(nop) ADD file:b3cbfb2541cb2a3b4…   1.99MB    \n',
    )
  })
})

describe('image references', () => {
  it('completes Docker Hub names as the CLI prints them after a pull', () => {
    expect(normalizeImageRef('alpine')).toEqual({ full: 'docker.io/library/alpine:latest', familiar: 'alpine:latest', hasTag: false })
    expect(normalizeImageRef('amazon/aws-cli')).toMatchObject({ full: 'docker.io/amazon/aws-cli:latest', familiar: 'amazon/aws-cli:latest' })
    expect(normalizeImageRef('gcr.io/etcd-development/etcd:v3.5.17')).toMatchObject({ full: 'gcr.io/etcd-development/etcd:v3.5.17', hasTag: true })
    expect(normalizeImageRef('127.0.0.1:5000/library/alpine')).toMatchObject({ full: '127.0.0.1:5000/library/alpine:latest', hasTag: false })
  })
})

describe('pull progress', () => {
  it('draws a bar only on terminals wider than 110 columns', () => {
    expect(progressString({ current: 1_000_000, total: 4_000_000 }, 80)).toBe('     1MB/4MB')
    expect(progressString({ current: 1_000_000, total: 4_000_000 }, 120)).toBe(`[${'='.repeat(12)}>${' '.repeat(38)}]      1MB/4MB`)
    expect(progressString({}, 120)).toBe('')
  })

  it('gives each layer a line and updates it in place', () => {
    const r = new PullProgressRenderer(80)
    const out = [
      r.render({ id: 'latest', status: 'Pulling from library/alpine' }),
      r.render({ id: 'aaa', status: 'Pulling fs layer', progressDetail: {} }),
      r.render({ id: 'bbb', status: 'Pulling fs layer', progressDetail: {} }),
      r.render({ id: 'aaa', status: 'Downloading', progressDetail: { current: 500, total: 1000 } }),
      r.render({ id: 'aaa', status: 'Pull complete', progressDetail: {} }),
      r.render({ status: 'Digest: sha256:abc' }),
    ]
    expect(out[0]).toBe('latest: Pulling from library/alpine\n')
    expect(out[1]).toBe('\n\x1b[1A\x1b[2K\raaa: Pulling fs layer \r\x1b[1B')
    expect(out[2]).toBe('\n\x1b[1A\x1b[2K\rbbb: Pulling fs layer \r\x1b[1B')
    expect(out[3]).toBe('\x1b[2A\x1b[2K\raaa: Downloading     500B/1kB\r\x1b[2B')
    expect(out[4]).toBe('\x1b[2A\x1b[2K\raaa: Pull complete \r\x1b[2B')
    expect(out[5]).toBe('Digest: sha256:abc\n')
  })
})
