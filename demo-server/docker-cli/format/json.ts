/**
 * JSON as the docker CLI prints it: Go's encoder escapes <, > and & (and U+2028/2029), and
 * `docker inspect` indents its array by 4 spaces. Pure.
 */

function goEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** `{{json .X}}` and one-line JSON. */
export function goJson(value: unknown): string {
  return goEscape(JSON.stringify(value ?? null))
}

/** The body of `docker inspect`: `[\n    {...}\n]\n`, or `[]\n` when nothing was found. */
export function formatInspectJson(objects: unknown[]): string {
  if (objects.length === 0)
    return '[]\n'
  return `${goEscape(JSON.stringify(objects, null, 4))}\n`
}
