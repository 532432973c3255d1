import { describe, expect, it } from 'vitest'
import { formatInspectJson, goJson } from '../../../demo-server/docker-cli/format/json'
import { formatInfo, formatNetworkLs, formatVolumeLs } from '../../../demo-server/docker-cli/format/objects'
import { bytesSize } from '../../../demo-server/docker-cli/format/units'
import { TemplateError, executeTemplate, goPrint, parseTemplate } from '../../../demo-server/docker-cli/format/template'

describe('docker volume ls / network ls', () => {
  it('lists volumes as DRIVER, VOLUME NAME in natural order', () => {
    expect(formatVolumeLs([{ Name: 'vol10', Driver: 'local' }, { Name: 'vol2', Driver: 'local' }])).toBe('DRIVER    VOLUME NAME\nlocal     vol2\nlocal     vol10\n')
  })

  it('lists networks with short ids, by name', () => {
    expect(formatNetworkLs([
      { Id: '396b0696c5be1111', Name: 'none', Driver: 'null', Scope: 'local' },
      { Id: '0657c7fc28f72222', Name: 'bridge', Driver: 'bridge', Scope: 'local' },
    ])).toBe('NETWORK ID     NAME      DRIVER    SCOPE\n0657c7fc28f7   bridge    bridge    local\n396b0696c5be   none      null      local\n')
  })
})

describe('docker info', () => {
  const info = {
    Containers: 3, ContainersRunning: 2, ContainersPaused: 0, ContainersStopped: 1, Images: 49,
    ServerVersion: '20.10.24+dfsg1', Driver: 'overlay2',
    DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true']] as Array<[string, string]>,
    LoggingDriver: 'json-file', CgroupDriver: 'cgroupfs', CgroupVersion: '1',
    Plugins: { Volume: ['local'], Network: ['bridge', 'host'], Authorization: null, Log: ['json-file', 'local'] },
    Swarm: { LocalNodeState: 'inactive' },
    Runtimes: { runc: {}, 'io.containerd.runc.v2': {} },
    DefaultRuntime: 'runc', InitBinary: 'docker-init',
    ContainerdCommit: { ID: '1.6.20', Expected: '1.6.20' }, RuncCommit: { ID: '1.1.5', Expected: '1.1.5' }, InitCommit: { ID: '', Expected: '' },
    SecurityOptions: ['name=seccomp,profile=default'],
    KernelVersion: '6.1.0', OperatingSystem: 'Debian GNU/Linux 12 (bookworm)', OSType: 'linux', Architecture: 'x86_64',
    NCPU: 2, MemTotal: 25_276_502_016, Name: 'vm', ID: 'NJY5', DockerRootDir: '/var/lib/docker', Debug: false,
    ExperimentalBuild: false,
    RegistryConfig: { IndexConfigs: { 'docker.io': { Name: 'docker.io', Secure: true } }, InsecureRegistryCIDRs: ['127.0.0.0/8'], Mirrors: ['http://127.0.0.1:5000/'] },
    LiveRestoreEnabled: false,
  }

  it('prints the server section in the CLI order', () => {
    const text = formatInfo(info, { context: 'default' })
    const lines = text.split('\n')
    const order = ['Server:', ' Containers: 3', '  Running: 2', ' Server Version: 20.10.24+dfsg1', ' Storage Driver: overlay2', '  Backing Filesystem: extfs', ' Logging Driver: json-file', ' Cgroup Driver: cgroupfs', ' Runtimes: io.containerd.runc.v2 runc', ' Security Options:', '  seccomp', '   Profile: default', ' Kernel Version: 6.1.0', ' Operating System: Debian GNU/Linux 12 (bookworm)', ' Total Memory: 23.54GiB', ' Docker Root Dir: /var/lib/docker', ' Insecure Registries:', '  127.0.0.0/8', ' Registry Mirrors:', '  http://127.0.0.1:5000/', ' Live Restore Enabled: false']
    let at = -1
    for (const line of order) {
      const next = lines.indexOf(line, at + 1)
      expect(next, line).toBeGreaterThan(at)
      at = next
    }
    expect(lines.slice(0, 3)).toEqual(['Client:', ' Context:    default', ' Debug Mode: false'])
  })

  it('sizes memory in units of 1024', () => {
    expect(bytesSize(25_276_502_016)).toBe('23.54GiB')
    expect(bytesSize(2048)).toBe('2KiB')
  })
})

describe('docker inspect output', () => {
  it('indents the array by 4 spaces and escapes like Go', () => {
    expect(formatInspectJson([{ Name: 'vol', Labels: { a: '<b>&' }, Options: {} }])).toBe(
      '[\n    {\n        "Name": "vol",\n        "Labels": {\n            "a": "\\u003cb\\u003e\\u0026"\n        },\n        "Options": {}\n    }\n]\n',
    )
    expect(formatInspectJson([])).toBe('[]\n')
  })

  it('compacts {{json}}', () => {
    expect(goJson({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}')
    expect(goJson(undefined)).toBe('null')
  })
})

describe('--format templates', () => {
  const data = {
    State: { Status: 'running', Pid: 1234, Running: true },
    Config: { Labels: { 'org.docker-demo.deck': 'd', 'b': 'x' }, Cmd: ['sleep', 'infinity'], Env: null },
    NetworkSettings: { Networks: { net1: { IPAddress: '172.18.0.2' } } },
    Mountpoint: '/var/lib/docker/volumes/vol/_data',
  }
  const run = (source: string) => executeTemplate(parseTemplate(source), data)

  it('follows field paths', () => {
    expect(run('{{.State.Status}}')).toBe('running')
    expect(run('{{.State.Pid}} {{.State.Running}}')).toBe('1234 true')
    expect(run('{{ .Mountpoint }}')).toBe('/var/lib/docker/volumes/vol/_data')
    expect(run('{{.NetworkSettings.Networks.net1.IPAddress}}')).toBe('172.18.0.2')
  })

  it('prints values as Go prints decoded JSON', () => {
    expect(run('{{.Config.Cmd}}')).toBe('[sleep infinity]')
    expect(run('{{.Config.Labels}}')).toBe('map[b:x org.docker-demo.deck:d]')
    expect(run('{{.Config.Env}}')).toBe('<nil>')
    expect(run('{{.Missing}}')).toBe('<no value>')
    expect(goPrint({ a: { b: [] } })).toBe('map[a:map[b:[]]]')
  })

  it('supports json, index and println', () => {
    expect(run('{{json .Config.Cmd}}')).toBe('["sleep","infinity"]')
    expect(run('{{index .Config.Labels "org.docker-demo.deck"}}')).toBe('d')
    expect(run('{{index .Config.Labels "nope"}}')).toBe('')
    expect(run('{{println .State.Status}}')).toBe('running\n')
    expect(run('Status: {{.State.Status}}!')).toBe('Status: running!')
  })

  it('refuses what it does not support, by name', () => {
    expect(() => parseTemplate('{{range .Mounts}}{{.Source}}{{end}}')).toThrow(TemplateError)
    expect(() => parseTemplate('{{range .Mounts}}')).toThrow(/"range" is not supported/)
    expect(() => parseTemplate('{{.State.Status')).toThrow(/unclosed/)
  })
})
