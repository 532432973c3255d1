/** The processes a demo's shell started: what a stopped line leaves when Ctrl-C and the engine
 *  side were not enough. `pgrep -P` is in procps (Linux) and in macOS. */
import { execFile } from 'node:child_process'

function childrenOf(pid: number): Promise<number[]> {
  return new Promise((resolve) => {
    execFile('pgrep', ['-P', String(pid)], { timeout: 5000 }, (_error, stdout) => {
      resolve(String(stdout ?? '').split('\n').map(Number).filter(n => Number.isInteger(n) && n > 0))
    })
  })
}

/** SIGKILL for every descendant of `pid` (not `pid` itself), the deepest first. */
export async function killChildren(pid: number): Promise<void> {
  for (const child of await childrenOf(pid)) {
    await killChildren(child)
    try {
      process.kill(child, 'SIGKILL')
    }
    catch {
      // Gone already.
    }
  }
}
