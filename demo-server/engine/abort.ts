/** Waiting with a step's AbortSignal (cancel or timeout) in mind. */

/** Calls `listener` once when the signal aborts (now, if it already has); returns the remover. */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) {
    queueMicrotask(listener)
    return () => {}
  }
  signal.addEventListener('abort', listener, { once: true })
  return () => signal.removeEventListener('abort', listener)
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** The byte a terminal sends for Ctrl-C: through a TTY it is SIGINT for the foreground process. */
export const CTRL_C = '\x03'
