/** `--mount` and `-v` values, parsed the way the docker CLI reads them: the deck check learns
 *  the named volumes a step creates, and reports a malformed value. Pure. */

export class MountFlagError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MountFlagError'
  }
}

export interface MountSpec {
  type: 'volume' | 'bind' | 'tmpfs' | 'other'
  /** Volume name or host path; undefined for an anonymous volume or tmpfs. */
  source?: string
  target: string
  readOnly: boolean
  /** `volume-opt=key=value`, repeatable. */
  volumeOptions: Record<string, string>
}

/** `type=volume,src=vol,dst=/app,readonly,volume-opt=k=v` */
export function parseMountFlag(value: string): MountSpec {
  let type: MountSpec['type'] = 'volume'
  let source: string | undefined
  let target: string | undefined
  let readOnly = false
  const volumeOptions: Record<string, string> = {}
  for (const field of value.split(',')) {
    const eq = field.indexOf('=')
    const key = (eq === -1 ? field : field.slice(0, eq)).trim().toLowerCase()
    const val = eq === -1 ? undefined : field.slice(eq + 1)
    switch (key) {
      case 'type':
        // Types this check does not know (npipe, image, ...) are the CLI's to judge.
        type = val === 'volume' || val === 'bind' || val === 'tmpfs' ? val : 'other'
        break
      case 'source':
      case 'src':
        source = val
        break
      case 'destination':
      case 'dst':
      case 'target':
        target = val
        break
      case 'readonly':
      case 'ro':
        readOnly = val === undefined || val === 'true' || val === '1'
        break
      case 'volume-opt': {
        const inner = (val ?? '').indexOf('=')
        if (inner === -1)
          throw new MountFlagError(`--mount volume-opt needs key=value, got "${val}"`)
        volumeOptions[val!.slice(0, inner)] = val!.slice(inner + 1)
        break
      }
      default:
        // tmpfs-size, bind-propagation, volume-nocopy, ...: the check cannot ask the CLI which
        // keys it takes, so it takes them all (the run shows the CLI's own answer).
        break
    }
  }
  if (!target)
    throw new MountFlagError(`--mount "${value}" needs a destination (dst=/path)`)
  if (type === 'bind' && !source)
    throw new MountFlagError(`--mount type=bind needs a source (source=/host/path)`)
  return { type, source: source || undefined, target, readOnly, volumeOptions }
}

/** `-v name:/path[:ro]`, `-v /host/path:/path`, `-v /path` (anonymous). */
export function parseVolumeFlag(value: string): MountSpec {
  const parts = value.split(':')
  if (parts.length === 1)
    return { type: 'volume', source: undefined, target: parts[0], readOnly: false, volumeOptions: {} }
  const [source, target, mode] = parts
  if (!target || parts.length > 3)
    throw new MountFlagError(`-v "${value}" must be SOURCE:TARGET[:ro]`)
  const isPath = source.startsWith('/') || source.startsWith('.') || source.startsWith('~')
  return { type: isPath ? 'bind' : 'volume', source, target, readOnly: mode === 'ro', volumeOptions: {} }
}
