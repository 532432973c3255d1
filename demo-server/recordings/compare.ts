/**
 * "Did this rehearsal change the recording?" Pure. Two recordings are the same when their steps
 * ran the same commands with the same outcomes and printed the same text once the parts that
 * differ on every run are masked: object ids, dates and times, "2 seconds ago", host interface
 * names. Anything else that differs is a change worth a look before the talk.
 */
import type { Recording } from './cast-file.ts'

/** Each pattern and what it becomes. Order matters: whole timestamps before bare times, UUIDs
 *  before ids, and column padding last (a masked cell changes how wide docker pads a table). */
const VOLATILE: [RegExp, string][] = [
  // MAC addresses first: their pairs of digits would pass for times.
  [/\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b/g, '<mac>'],
  // Addresses depend on which subnets other networks on the engine already took.
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b/g, '<ip>'],
  // ISO and docker's own timestamps: 2024-05-01T12:34:56.123456789Z, 2024-05-01 12:34:56 +0000 UTC
  [/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|\s?[+-]\d{2}:?\d{2})?(?: [A-Z]{3,4})?/g, '<time>'],
  [/\b\d{1,2}:\d{2}:\d{2}\b/g, '<time>'],
  // `ls -l` dates: "Dec  2 02:29", "Jan 15  2025".
  [/\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} +(?:\d{2}:\d{2}|\d{4})\b/g, '<date>'],
  // Run ids in labels (org.docker-demo.run).
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>'],
  // Container, image, volume and network ids (full or short), digests.
  [/\b[0-9a-f]{12,64}\b/g, '<id>'],
  // `docker ps` / `images` ages: "About a minute ago", "Less than a second ago", "Up 3 seconds".
  [/\b(?:About an?|Less than an?|an?|\d+) (?:second|minute|hour|day|week|month|year)s?(?: ago)?\b/g, '<age>'],
  // Host-side veth names and the peer index a container's eth0 points at (eth0@if123).
  [/\bveth[0-9a-f]{6,8}\b/g, '<veth>'],
  [/@if\d+\b/g, '@if<n>'],
  // `ip link` / `ip address` interface indexes and peer namespace ids grow with every container.
  [/^\d+: (?=\S+: <)/gm, '<n>: '],
  [/\blink-netnsid \d+/g, 'link-netnsid <n>'],
  // The classic builder's bookkeeping differs between a first build and one from its cache.
  [/^ ---> (?:Using cache|Running in <id>)\n|^Removing intermediate container <id>\n/gm, ''],
  [/ {2,}/g, '  '],
]

/** The text with its run-to-run noise masked; also drops carriage returns. */
export function maskVolatile(text: string): string {
  let masked = text.replaceAll('\r', '')
  for (const [pattern, replacement] of VOLATILE)
    masked = masked.replace(pattern, replacement)
  return masked
}

/** What must match between two rehearsals, per step. */
export function fingerprint(recording: Recording): string[] {
  return recording.steps.map(step => JSON.stringify([
    step.index,
    step.prompt,
    step.command,
    step.outcome,
    step.exitCode ?? null,
    maskVolatile(step.events.map(event => event[2]).join('')),
  ]))
}

export type RecordingChange =
  | { kind: 'new' }
  | { kind: 'unchanged' }
  | { kind: 'changed', steps: number[] }

/** Compares a fresh recording with the one on disk (undefined: none, or unreadable). */
export function compareRecordings(previous: Recording | undefined, next: Recording): RecordingChange {
  if (previous === undefined)
    return { kind: 'new' }
  const before = fingerprint(previous)
  const after = fingerprint(next)
  const steps: number[] = []
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    if (before[i] !== after[i])
      steps.push(next.steps[i]?.index ?? previous.steps[i].index)
  }
  // What it was made with and on counts too: a file that says "stand-ins" must be rewritten
  // when made with real images.
  const madeWith = (r: Recording) => JSON.stringify([r.header.width, r.header.height, r.header.docker_demo.standins, r.header.docker_demo.engine.version])
  if (madeWith(previous) !== madeWith(next))
    return { kind: 'changed', steps }
  return steps.length === 0 ? { kind: 'unchanged' } : { kind: 'changed', steps }
}
