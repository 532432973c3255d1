/**
 * `docker images`, `docker history` and the per-layer progress of `docker pull`, shaped like
 * the docker CLI's output. Pure: Engine API entries in, text out.
 */
import { formatTable } from './table.ts'
import { ellipsis, humanSize, humanSizeLong, timeAgo, truncateId } from './units.ts'

/** The fields of GET /images/json that the table shows. */
export interface ImageSummary {
  Id: string
  RepoTags?: string[] | null
  RepoDigests?: string[] | null
  /** Unix seconds. */
  Created: number
  Size: number
}

export function formatImages(images: ImageSummary[], nowMs: number): string {
  const rows: string[][] = []
  // In the daemon's order (newest first), as the CLI prints it.
  for (const image of images) {
    const tags = (image.RepoTags ?? []).filter(t => t !== '<none>:<none>')
    const refs = tags.length > 0 ? tags.map(splitTag) : [{ repository: '<none>', tag: '<none>' }]
    for (const { repository, tag } of refs)
      rows.push([repository, tag, truncateId(image.Id), timeAgo(image.Created * 1000, nowMs), humanSize(image.Size)])
  }
  return formatTable([['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], ...rows])
}

/** "127.0.0.1:5000/library/alpine:latest" -> repository + tag (a registry port is no tag). */
export function splitTag(ref: string): { repository: string, tag: string } {
  const colon = ref.lastIndexOf(':')
  if (colon === -1 || ref.slice(colon).includes('/'))
    return { repository: ref, tag: '<none>' }
  return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) }
}

/** One entry of GET /images/{name}/history. */
export interface HistoryEntry {
  Id: string
  /** Unix seconds. */
  Created: number
  CreatedBy: string
  Size: number
  Comment: string
}

export function formatHistory(entries: HistoryEntry[], nowMs: number): string {
  const rows = entries.map(e => [
    e.Id === '<missing>' ? e.Id : truncateId(e.Id),
    timeAgo(e.Created * 1000, nowMs),
    ellipsis(e.CreatedBy.replace(/\t/g, ' '), 45),
    humanSize(e.Size),
    e.Comment,
  ])
  return formatTable([['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'], ...rows])
}

/** Docker Hub's short names, as the CLI completes them: "alpine" -> "docker.io/library/alpine:latest". */
export function normalizeImageRef(ref: string): { full: string, familiar: string, hasTag: boolean } {
  const at = ref.indexOf('@')
  const namePart = at === -1 ? ref : ref.slice(0, at)
  const lastSlash = namePart.lastIndexOf('/')
  const hasTag = at !== -1 || namePart.slice(lastSlash + 1).includes(':')
  const withTag = hasTag ? ref : `${ref}:latest`
  const first = withTag.split('/')[0]
  const hasRegistry = withTag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
  let full = withTag
  if (!hasRegistry)
    full = withTag.includes('/') ? `docker.io/${withTag}` : `docker.io/library/${withTag}`
  const familiar = full.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '')
  return { full, familiar, hasTag }
}

/** One message of the pull progress stream (jsonmessage.JSONMessage). */
export interface PullMessage {
  id?: string
  status?: string
  progress?: string
  progressDetail?: { current?: number, total?: number }
  error?: string
  errorDetail?: { message?: string }
}

const ESC = '\x1b['

/**
 * jsonmessage.DisplayJSONMessagesStream for a terminal: one line per layer, updated in place
 * with cursor movement ("abc123: Downloading [====>   ] 1.2MB/3.4MB"). Feed it messages; it
 * returns the terminal bytes to write.
 */
export class PullProgressRenderer {
  private ids = new Map<string, number>()

  constructor(private readonly width: number) {}

  render(message: PullMessage): string {
    let out = ''
    const hasProgress = message.progressDetail !== undefined
    let diff = 0
    if (message.id && hasProgress) {
      let line = this.ids.get(message.id)
      if (line === undefined) {
        line = this.ids.size
        this.ids.set(message.id, line)
        out += '\n'
      }
      diff = this.ids.size - line
      if (diff > 0)
        out += `${ESC}${diff}A`
    }
    else {
      this.ids.clear()
    }
    out += this.display(message, hasProgress)
    if (message.id && diff > 0)
      out += `${ESC}${diff}B`
    return out
  }

  private display(message: PullMessage, hasProgress: boolean): string {
    let out = ''
    let endl = ''
    if (hasProgress) {
      out += `${ESC}2K\r`
      endl = '\r'
    }
    if (message.id)
      out += `${message.id}: `
    if (hasProgress)
      out += `${message.status ?? ''} ${progressString(message.progressDetail ?? {}, this.width)}${endl}`
    else
      out += `${message.status ?? ''}${endl}\n`
    return out
  }
}

/** jsonmessage.JSONProgress.String(): the bar only when the terminal is wider than 110. */
export function progressString(detail: { current?: number, total?: number }, width: number): string {
  const current = detail.current ?? 0
  const total = detail.total ?? 0
  if (current <= 0 && total <= 0)
    return ''
  if (total <= 0)
    return humanSizeLong(current).padStart(8)
  let percentage = Math.trunc(Math.trunc((current / total) * 100) / 2)
  if (percentage > 50)
    percentage = 50
  let bar = ''
  if (width > 110)
    bar = `[${'='.repeat(percentage)}>${' '.repeat(Math.max(0, 50 - percentage))}] `
  const numbers = current > total
    ? humanSizeLong(current).padStart(8)
    : `${humanSizeLong(current).padStart(8)}/${humanSizeLong(total)}`
  return bar + numbers
}
