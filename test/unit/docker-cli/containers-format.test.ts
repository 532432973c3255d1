import { describe, expect, it } from 'vitest'
import { displayablePorts, formatDiff, formatPs, sizeColumn } from '../../../demo-server/docker-cli/format/containers'

const NOW = Date.parse('2026-11-28T12:00:00Z')
const ID = '34c2ac212f2d8f4821f1cd5178ba94af831464838ea2e1d0f33293a35a0aab32'

const co1 = {
  Id: ID,
  Names: ['/co1'],
  Image: 'alpine',
  Command: 'sleep infinity',
  Created: NOW / 1000 - 300,
  Status: 'Up 5 minutes',
  Ports: [],
  SizeRw: 1_420_000,
  SizeRootFs: 7_000_000,
}

describe('docker ps', () => {
  it('prints the CLI columns with human durations', () => {
    expect(formatPs([co1], { nowMs: NOW })).toBe(
      'CONTAINER ID   IMAGE     COMMAND            CREATED         STATUS         PORTS     NAMES\n'
      + '34c2ac212f2d   alpine    "sleep infinity"   5 minutes ago   Up 5 minutes             co1\n',
    )
  })

  it('adds SIZE with -s', () => {
    const text = formatPs([co1], { nowMs: NOW, size: true })
    expect(text.split('\n')[0]).toMatch(/NAMES     SIZE$/)
    expect(text.split('\n')[1]).toMatch(/co1       1\.42MB \(virtual 7MB\)$/)
  })

  it('quotes and cuts the command at 20 characters', () => {
    const text = formatPs([{ ...co1, Command: 'docker-entrypoint.sh nginx -g daemon off;' }], { nowMs: NOW })
    expect(text).toContain('"docker-entrypoint.s…"')
  })

  it('prints short ids only with -q', () => {
    expect(formatPs([co1, { ...co1, Id: `ab${ID}` }], { nowMs: NOW, quiet: true })).toBe('34c2ac212f2d\nab34c2ac212f\n')
  })

  it('drops link names and joins names with commas', () => {
    expect(formatPs([{ ...co1, Names: ['/co1', '/co2/alias', '/web'] }], { nowMs: NOW })).toMatch(/co1,web\n$/)
  })

  it('shows a size without a virtual size as is', () => {
    expect(sizeColumn(0, 0)).toBe('0B')
    expect(sizeColumn(0, 1_990_000)).toBe('0B (virtual 1.99MB)')
  })
})

describe('ports, as formatter.DisplayablePorts', () => {
  it('lists host mappings sorted, IPv6 in brackets', () => {
    expect(displayablePorts([
      { IP: '::', PrivatePort: 80, PublicPort: 18000, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 18000, Type: 'tcp' },
      { IP: '127.0.0.1', PrivatePort: 90, PublicPort: 18009, Type: 'udp' },
    ])).toBe('0.0.0.0:18000->80/tcp, [::]:18000->80/tcp, 127.0.0.1:18009->90/udp')
  })

  it('groups consecutive same-number ports into a range', () => {
    expect(displayablePorts([
      { IP: '0.0.0.0', PrivatePort: 8000, PublicPort: 8000, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 8001, PublicPort: 8001, Type: 'tcp' },
    ])).toBe('0.0.0.0:8000-8001->8000-8001/tcp')
  })

  it('shows exposed-only ports without an address', () => {
    expect(displayablePorts([{ PrivatePort: 80, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' }])).toBe('80/tcp, 443/tcp')
  })
})

describe('docker diff', () => {
  it('prints C/A/D lines', () => {
    expect(formatDiff([{ Kind: 0, Path: '/etc' }, { Kind: 1, Path: '/etc/test.txt' }, { Kind: 2, Path: '/tmp/x' }])).toBe('C /etc\nA /etc/test.txt\nD /tmp/x\n')
  })
  it('prints nothing for no changes', () => {
    expect(formatDiff([])).toBe('')
  })
})
