/**
 * Turns a parsed `docker run` / `docker exec` into Engine API create options, as the docker CLI
 * would send them (cli/command/container/opts.go), with our labels on everything a run makes.
 * Pure: the engine layer does the I/O (pre-creating named volumes, reading seccomp files).
 */
import path from 'node:path'
import type { MountSpec } from './mounts.ts'
import type { ParsedCommand } from './parse-argv.ts'
import { parseMountFlag, parseVolumeFlag } from './mounts.ts'
import { CommandLineError, flagValues, hasFlag, lastFlagValue } from './parse-argv.ts'
import { parsePublish } from './ports.ts'

export interface MountOptions {
  Type: 'volume' | 'bind' | 'tmpfs'
  Source?: string
  Target: string
  ReadOnly?: boolean
  VolumeOptions?: { Labels?: Record<string, string>, DriverConfig?: { Name: string, Options: Record<string, string> } }
}

/** The body of POST /containers/create that a run sends. */
export interface ContainerCreateBody {
  name?: string
  Image: string
  Cmd?: string[]
  Entrypoint?: string[]
  Env?: string[]
  WorkingDir?: string
  Hostname?: string
  Labels: Record<string, string>
  Tty: boolean
  OpenStdin: boolean
  StdinOnce: boolean
  AttachStdin: boolean
  AttachStdout: boolean
  AttachStderr: boolean
  ExposedPorts?: Record<string, Record<string, never>>
  HostConfig: {
    Binds?: string[]
    Mounts?: MountOptions[]
    NetworkMode: string
    VolumesFrom?: string[]
    PortBindings?: Record<string, Array<{ HostIp: string, HostPort: string }>>
    CapAdd?: string[]
    SecurityOpt?: string[]
    LogConfig?: { Type: string, Config: Record<string, string> }
    AutoRemove: boolean
  }
}

/** A named volume the run mounts: the engine creates it, labelled, before the container. */
export interface NamedVolume {
  name: string
  driverOptions: Record<string, string>
}

export interface RunPlan {
  image: string
  /** The command after the image (empty: the image's default). */
  command: string[]
  name?: string
  detach: boolean
  interactive: boolean
  tty: boolean
  remove: boolean
  namedVolumes: NamedVolume[]
  /** Containers named by --volumes-from and --network container:X (the scope check reads them). */
  referencedContainers: string[]
  network: string
  create: ContainerCreateBody
}

export interface PlanContext {
  labels: Record<string, string>
  /** Where relative bind sources (`-v ./data:/data`) are resolved: the demo's `$(pwd)`. */
  workdir: string
  /** Value of a variable named by a bare `-e NAME`; undefined leaves it unset, as the CLI does. */
  env: (name: string) => string | undefined
}

export function planRun(parsed: ParsedCommand, context: PlanContext): RunPlan {
  if (parsed.name !== 'run')
    throw new CommandLineError(`planRun needs "docker run", got "docker ${parsed.name}"`)
  const [image, ...command] = parsed.operands
  const detach = hasFlag(parsed, '--detach')
  const interactive = hasFlag(parsed, '--interactive')
  const tty = hasFlag(parsed, '--tty')
  const remove = hasFlag(parsed, '--rm')
  const networks = flagValues(parsed, '--network')
  if (new Set(networks).size > 1)
    throw new CommandLineError(`"docker run" here connects to one --network at start; use "docker network connect" for more (got ${networks.join(', ')})`)
  const network = networks[0] ?? 'default'

  const binds: string[] = []
  const mounts: MountOptions[] = []
  const namedVolumes = new Map<string, NamedVolume>()
  const addMount = (spec: MountSpec, fromVolumeFlag: boolean) => {
    if (spec.type === 'tmpfs') {
      mounts.push({ Type: 'tmpfs', Target: spec.target, ReadOnly: spec.readOnly || undefined })
      return
    }
    if (spec.type === 'bind') {
      const source = resolveHostPath(spec.source!, context.workdir)
      if (fromVolumeFlag)
        binds.push(`${source}:${spec.target}${spec.readOnly ? ':ro' : ''}`)
      else
        mounts.push({ Type: 'bind', Source: source, Target: spec.target, ReadOnly: spec.readOnly || undefined })
      return
    }
    if (!spec.source) {
      // Anonymous volumes are created by the daemon: the labels travel in the mount.
      mounts.push({ Type: 'volume', Target: spec.target, ReadOnly: spec.readOnly || undefined, VolumeOptions: { Labels: { ...context.labels } } })
      return
    }
    const known = namedVolumes.get(spec.source)
    namedVolumes.set(spec.source, { name: spec.source, driverOptions: { ...known?.driverOptions, ...spec.volumeOptions } })
    if (fromVolumeFlag)
      binds.push(`${spec.source}:${spec.target}${spec.readOnly ? ':ro' : ''}`)
    else
      mounts.push({ Type: 'volume', Source: spec.source, Target: spec.target, ReadOnly: spec.readOnly || undefined })
  }
  for (const value of flagValues(parsed, '--volume'))
    addMount(parseVolumeFlag(value), true)
  for (const value of flagValues(parsed, '--mount'))
    addMount(parseMountFlag(value), false)

  const env = envFlags(parsed, context.env)

  const published = parsePublish(flagValues(parsed, '--publish'))
  const hasPorts = Object.keys(published.exposed).length > 0

  let entrypoint: string[] | undefined
  const entrypointFlag = lastFlagValue(parsed, '--entrypoint')
  if (entrypointFlag !== undefined)
    entrypoint = [entrypointFlag] // "" resets the image's entrypoint, as in the CLI

  const logDriver = lastFlagValue(parsed, '--log-driver')
  const logOpts: Record<string, string> = {}
  for (const value of flagValues(parsed, '--log-opt')) {
    const eq = value.indexOf('=')
    if (eq === -1)
      throw new CommandLineError(`--log-opt needs key=value, got "${value}"`)
    logOpts[value.slice(0, eq)] = value.slice(eq + 1)
  }

  const volumesFrom = flagValues(parsed, '--volumes-from')
  const referencedContainers = volumesFrom.map(v => v.split(':')[0])
  if (network.startsWith('container:'))
    referencedContainers.push(network.slice('container:'.length))

  const name = lastFlagValue(parsed, '--name')
  // -w is the container's working directory, not context.workdir (the host's $(pwd)).
  const workingDir = lastFlagValue(parsed, '--workdir')
  const hostname = lastFlagValue(parsed, '--hostname')
  const capAdd = flagValues(parsed, '--cap-add')
  const securityOpt = flagValues(parsed, '--security-opt')
  const create: ContainerCreateBody = {
    ...(name !== undefined ? { name } : {}),
    Image: image,
    ...(command.length > 0 ? { Cmd: command } : {}),
    ...(entrypoint ? { Entrypoint: entrypoint } : {}),
    ...(env.length > 0 ? { Env: env } : {}),
    ...(workingDir !== undefined ? { WorkingDir: workingDir } : {}),
    ...(hostname !== undefined ? { Hostname: hostname } : {}),
    Labels: { ...context.labels },
    Tty: tty,
    OpenStdin: interactive,
    // The CLI sets StdinOnce with -i; we keep stdin open across attaches so that a presenter who
    // leaves the terminal does not end the shell that later `/ #` steps run in.
    StdinOnce: false,
    AttachStdin: interactive && !detach,
    AttachStdout: !detach,
    AttachStderr: !detach,
    ...(hasPorts ? { ExposedPorts: published.exposed } : {}),
    HostConfig: {
      ...(binds.length > 0 ? { Binds: binds } : {}),
      ...(mounts.length > 0 ? { Mounts: mounts } : {}),
      NetworkMode: network,
      ...(volumesFrom.length > 0 ? { VolumesFrom: volumesFrom } : {}),
      ...(hasPorts ? { PortBindings: published.bindings } : {}),
      ...(capAdd.length > 0 ? { CapAdd: capAdd } : {}),
      ...(securityOpt.length > 0 ? { SecurityOpt: securityOpt } : {}),
      ...(logDriver !== undefined || Object.keys(logOpts).length > 0 ? { LogConfig: { Type: logDriver ?? '', Config: logOpts } } : {}),
      // A detached --rm container is removed by the daemon; an attached one by us, after wait,
      // so that no output is lost to the removal.
      AutoRemove: detach && remove,
    },
  }
  return {
    image,
    command,
    name,
    detach,
    interactive,
    tty,
    remove,
    namedVolumes: [...namedVolumes.values()],
    referencedContainers,
    network,
    create,
  }
}

/** `-e NAME=value` as written; a bare `-e NAME` takes the variable's value, or is left unset
 *  when there is none, as the CLI does. */
function envFlags(parsed: ParsedCommand, lookup: (name: string) => string | undefined): string[] {
  const env: string[] = []
  for (const value of flagValues(parsed, '--env')) {
    if (value.includes('=')) {
      env.push(value)
      continue
    }
    const resolved = lookup(value)
    if (resolved !== undefined)
      env.push(`${value}=${resolved}`)
  }
  return env
}

/** `./data` and `data/x` are relative to the demo's directory; absolute paths stay. */
export function resolveHostPath(source: string, workdir: string): string {
  if (source.startsWith('/'))
    return path.posix.normalize(source)
  return path.posix.resolve(workdir, source)
}

/** The body of POST /containers/{id}/exec that `docker exec` sends. */
export interface ExecCreateBody {
  Cmd: string[]
  Tty: boolean
  AttachStdin: boolean
  AttachStdout: boolean
  AttachStderr: boolean
  Env?: string[]
  WorkingDir?: string
  DetachKeys?: string
}

export interface ExecPlan {
  container: string
  detach: boolean
  interactive: boolean
  tty: boolean
  create: ExecCreateBody
}

/** Keys that end an exec session; rare enough that nobody presses them while typing. */
export const EXEC_DETACH_KEYS = 'ctrl-],ctrl-]'

export function planExec(parsed: ParsedCommand, env: (name: string) => string | undefined): ExecPlan {
  if (parsed.name !== 'exec')
    throw new CommandLineError(`planExec needs "docker exec", got "docker ${parsed.name}"`)
  const [container, ...command] = parsed.operands
  const detach = hasFlag(parsed, '--detach')
  const interactive = hasFlag(parsed, '--interactive')
  const tty = hasFlag(parsed, '--tty')
  const envList = envFlags(parsed, env)
  const workdir = lastFlagValue(parsed, '--workdir')
  return {
    container,
    detach,
    interactive,
    tty,
    create: {
      Cmd: command,
      Tty: tty,
      AttachStdin: interactive && !detach,
      AttachStdout: !detach,
      AttachStderr: !detach,
      ...(envList.length > 0 ? { Env: envList } : {}),
      ...(workdir !== undefined ? { WorkingDir: workdir } : {}),
      DetachKeys: EXEC_DETACH_KEYS,
    },
  }
}

const SHELLS = new Set(['sh', 'ash', 'bash', 'zsh', 'dash', 'fish'])

/** `sh`, `/bin/bash`, `bash -l`: a command that only opens a shell to type into. */
export function isShellCommand(command: string[]): boolean {
  if (command.length === 0)
    return false
  const base = command[0].split('/').pop() ?? ''
  return SHELLS.has(base) && command.slice(1).every(arg => arg.startsWith('-') && arg !== '-c')
}
