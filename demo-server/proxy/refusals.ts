/**
 * What the proxy answers instead of the engine. The docker CLI prints a non-2xx answer's JSON
 * `message` as `Error response from daemon: <message>`, so every refusal names the object and
 * the reason in one line, starting with `docker-demo:` so that nobody blames the daemon.
 */
import { DECK_LABEL } from '../engine/labels.ts'

export interface Refusal {
  status: number
  message: string
  /** What kind of refusal, for the demo server's own error codes (engine/refused.ts). */
  reason?: 'not-ours' | 'name-taken' | 'offline'
  /** The image an offline pull asked for, as people write it. */
  image?: string
}

export type ObjectKind = 'container' | 'exec' | 'network' | 'volume' | 'image'

const PREFIX = 'docker-demo:'

/**
 * Offline, nothing is pulled: what to do instead. One constant so that the deck's own docs,
 * the CLI and the tests say the same thing.
 */
export const OFFLINE_PULL_ADVICE = 'the demo server runs offline and pulls nothing; while online, run "docker pull IMAGE" for each image the deck uses (npm run demo -- list shows its demos), or build the stand-ins with "bash test/images/build-standins.sh"'

export function notOurs(kind: ObjectKind, ref: string, deckId: string): Refusal {
  return {
    status: 403,
    reason: 'not-ours',
    message: `${PREFIX} ${kind} "${ref}" was not created by this deck (it has no ${DECK_LABEL}=${deckId} label); the demo server only changes what its demos create`,
  }
}

/** `docker volume create X` / `-v X:/data` when X is someone else's volume. */
export function nameTaken(kind: ObjectKind, name: string, deckId: string): Refusal {
  return {
    status: 403,
    reason: 'name-taken',
    message: `${PREFIX} ${kind} "${name}" already exists and was not created by this deck (it has no ${DECK_LABEL}=${deckId} label); the demo server will not use it. Pick another name in the deck`,
  }
}

/** `docker tag X alpine:latest` / `docker build -t alpine:latest` would take the tag away. */
export function tagTaken(reference: string, deckId: string): Refusal {
  return {
    status: 403,
    reason: 'name-taken',
    message: `${PREFIX} the tag "${familiar(reference)}" belongs to an image this deck did not create (it has no ${DECK_LABEL}=${deckId} label); the demo server will not move it. Pick another tag in the deck`,
  }
}

export function denied(method: string, path: string, reason: string): Refusal {
  return { status: 403, message: `${PREFIX} ${method} ${path} is refused: ${reason}` }
}

export function offline(what: string, image?: string): Refusal {
  return { status: 403, reason: 'offline', ...(image !== undefined ? { image } : {}), message: `${PREFIX} ${what} needs a registry: ${OFFLINE_PULL_ADVICE}` }
}

export function badRequest(what: string): Refusal {
  return { status: 400, message: `${PREFIX} ${what}` }
}

export function tooLarge(method: string, path: string, limit: number): Refusal {
  return { status: 413, message: `${PREFIX} the body of ${method} ${path} is larger than ${limit} bytes, the most the proxy reads to add labels` }
}

export function engineUnreachable(url: string, cause: string): Refusal {
  return { status: 502, message: `${PREFIX} the Docker engine at ${url} does not answer (${cause}); start it, or point DOCKER_HOST at one that runs` }
}

export function refusalBody(refusal: Refusal): string {
  return JSON.stringify({ message: refusal.message })
}

/** `docker.io/library/alpine:latest` as people write it: `alpine:latest`. */
export function familiar(reference: string): string {
  return reference.replace(/^docker\.io\/(?:library\/)?/, '')
}
