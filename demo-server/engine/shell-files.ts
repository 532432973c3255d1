/**
 * The files the demos' shells of one engine start from, in a directory only this user can
 * enter: our rc file and inputrc (shell/rc.ts), a bin directory first on the shells' PATH with
 * `docker` and `docker-compose` as which-cli.ts resolves them and `host$`, and one state file
 * per demo (what the demos that `use` it start from). Removed with the engine.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { DockerProgram } from '../docker-cli/programs.ts'
import { HOST_PROGRAM, hostProgram, inputrcFile, rcFile } from '../shell/rc.ts'

export class ShellFiles {
  private constructor(readonly dir: string) {}

  /** `programs`: the path of each docker program to offer as its plain name. */
  static create(programs: Partial<Record<DockerProgram, string>>): ShellFiles {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-demo-shell-'))
    fs.chmodSync(dir, 0o700)
    const files = new ShellFiles(dir)
    fs.mkdirSync(files.binDir, { mode: 0o700 })
    fs.mkdirSync(files.#statesDir, { mode: 0o700 })
    fs.writeFileSync(files.rcFile, rcFile(), { mode: 0o600 })
    fs.writeFileSync(files.inputrc, inputrcFile(), { mode: 0o600 })
    fs.writeFileSync(path.join(files.binDir, HOST_PROGRAM), hostProgram(), { mode: 0o700 })
    for (const [name, target] of Object.entries(programs))
      fs.symlinkSync(target, path.join(files.binDir, name))
    return files
  }

  get rcFile(): string {
    return path.join(this.dir, 'rc.bash')
  }

  get inputrc(): string {
    return path.join(this.dir, 'inputrc')
  }

  get binDir(): string {
    return path.join(this.dir, 'bin')
  }

  get #statesDir(): string {
    return path.join(this.dir, 'states')
  }

  /** Where the shell of `demoId` keeps its state (demo ids are file-name safe). */
  stateFile(deckId: string, demoId: string): string {
    return path.join(this.#statesDir, `${deckId.replace(/[^\w.-]/g, '_')}--${demoId}.sh`)
  }

  forget(deckId: string, demoId?: string): void {
    const prefix = `${deckId.replace(/[^\w.-]/g, '_')}--`
    for (const name of fs.readdirSync(this.#statesDir)) {
      if (demoId === undefined ? name.startsWith(prefix) : name === `${prefix}${demoId}.sh`)
        fs.rmSync(path.join(this.#statesDir, name), { force: true })
    }
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}
