import { describe, expect, it } from 'vitest'
import { compareRecordings, maskVolatile } from '../../demo-server/recordings/compare'
import { helloRecording } from './helpers'

describe('maskVolatile: what differs on every run', () => {
  it('masks ids, timestamps, ages, veth names and peer indexes', () => {
    expect(maskVolatile('53d7e46c5bb9   nginx:latest   "nginx"   2 seconds ago   Up Less than a second   review-web\r\n'))
      .toBe('<id>  nginx:latest  "nginx"  <age>  Up <age>  review-web\n')
    expect(maskVolatile('266a39cb1ac5c3fe86d868cc88f6d6e93bbb407feda01d28e1f653067f4339c8')).toBe('<id>')
    expect(maskVolatile('Exited (0) About a minute ago')).toBe('Exited (0) <age>')
    expect(maskVolatile('"Created": "2026-12-02T02:27:44.727123456Z", at 12:34:56')).toBe('"Created": "<time>", at <time>')
    expect(maskVolatile('2: eth0@if123: <BROADCAST> ... 7: veth1a2b3c4@if6')).toBe('<n>: eth0@if<n>: <BROADCAST> ... 7: <veth>@if<n>')
    expect(maskVolatile('PING co2 (172.18.0.3): 56 data bytes; inet 172.29.0.1/16')).toBe('PING co2 (<ip>): 56 data bytes; inet <ip>')
    expect(maskVolatile('104: veth1a2b3c4@if103: <BROADCAST> mtu 1500\n    link/ether 12:4a:fd:01:02:03 brd ff:ff:ff:ff:ff:ff link-netnsid 2'))
      .toBe('<n>: <veth>@if<n>: <BROADCAST> mtu 1500\n  link/ether <mac> brd <mac> link-netnsid <n>')
    expect(maskVolatile('-rw-r--r-- 1 root root 6 Dec  2 02:29 memo.txt')).toBe('-rw-r--r-- 1 root root 6 <date> memo.txt')
    expect(maskVolatile('"org.docker-demo.run": "b89aa6ee-f185-42e2-b62c-0123456789ab"')).toBe('"org.docker-demo.run": "<uuid>"')
    // Padding follows the widest cell, which masking hides: any run of spaces is one gap.
    expect(maskVolatile('CREATED         SIZE')).toBe(maskVolatile('CREATED          SIZE'))
  })

  it('leaves what the slide teaches alone', () => {
    for (const text of ['hello, docker', 'test.txt', 'bad address \'co3\'', 'Total reclaimed space: 0B', '5.24MB (virtual 7.23MB)', 'PING co2 (<ip>): 56 data bytes', 'etcd 3.4.23'])
      expect(maskVolatile(text)).toBe(text)
  })
})

describe('compareRecordings', () => {
  it('new without a recording on disk; unchanged when only ids, times and ages differ', () => {
    expect(compareRecordings(undefined, helloRecording())).toEqual({ kind: 'new' })
    const before = helloRecording({ outputs: [[0.2, '53d7e46c5bb9 Up 2 seconds\r\n']] })
    const after = helloRecording({ outputs: [[0.9, 'a69ad82c0c12 Up About a minute\r\n']] })
    after.header.timestamp += 3600
    expect(compareRecordings(before, after)).toEqual({ kind: 'unchanged' })
  })

  it('changed, with the steps, when output, an outcome or a command differs', () => {
    const before = helloRecording()
    expect(compareRecordings(before, helloRecording({ outputs: [[0.2, 'hallo\r\n']] }))).toEqual({ kind: 'changed', steps: [1] })
    const failed = helloRecording()
    failed.steps[1].outcome = 'failed'
    expect(compareRecordings(before, failed)).toEqual({ kind: 'changed', steps: [2] })
    const real = helloRecording()
    real.header.docker_demo.standins = false
    expect(compareRecordings(before, real)).toEqual({ kind: 'changed', steps: [] })
    const shorter = helloRecording()
    shorter.steps.pop()
    expect(compareRecordings(before, shorter)).toEqual({ kind: 'changed', steps: [2] })
  })
})
