/**
 * Quiet by default; `DEBUG=docker-demo:engine` (or `docker-demo:*`) prints what the engine does
 * to stderr, one line per event, prefixed with the short container id when there is one.
 */
// Read lazily so that tests (and the server) can set DEBUG after this module is imported.
function enabled(): boolean {
  return (process.env.DEBUG ?? '').split(/[\s,]+/).some(p => p === 'docker-demo:engine' || p === 'docker-demo:*' || p === '*')
}

export function debug(message: string, containerId?: string): void {
  if (!enabled())
    return
  const prefix = containerId ? `[${containerId.slice(0, 12)}] ` : ''
  process.stderr.write(`docker-demo:engine ${prefix}${message}\n`)
}
