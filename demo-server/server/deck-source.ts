/**
 * The deck the server serves: read with the same parser as the deck check (the allowlist of
 * what may run), and read again when the file changes. A deck with problems still loads; its
 * problems travel in the status message.
 */
import { watch } from 'node:fs'
import type { FSWatcher } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Deck } from '../deck/model.ts'
import { parseDeck } from '../deck/parse.ts'

export interface DeckSourceOptions {
  /** Wait this long after the last change event before reading (editors write in bursts). */
  debounceMs?: number
  log?: (line: string) => void
}

export class DeckSource {
  readonly file: string
  readonly displayName: string
  #deck: Deck
  #text: string
  #watcher?: FSWatcher
  #timer?: NodeJS.Timeout
  readonly #listeners = new Set<(deck: Deck) => void>()
  readonly #log: (line: string) => void
  /** The last reload; the next one waits for it. */
  #reloading: Promise<boolean> = Promise.resolve(false)

  private constructor(file: string, displayName: string, text: string, log: (line: string) => void) {
    this.file = file
    this.displayName = displayName
    this.#text = text
    this.#deck = parseDeck(text, displayName)
    this.#log = log
  }

  /** Reads the deck; throws with the path and what to do when it cannot be read. */
  static async open(file: string, options: DeckSourceOptions = {}): Promise<DeckSource> {
    const absolute = path.resolve(file)
    const displayName = path.relative(process.cwd(), absolute) || absolute
    let text: string
    try {
      text = await readFile(absolute, 'utf8')
    }
    catch (error) {
      throw new Error(`Cannot read the deck ${absolute}: ${(error as Error).message}. Check the path (it is relative to ${process.cwd()}).`)
    }
    const source = new DeckSource(absolute, displayName, text, options.log ?? (() => {}))
    source.#watch(options.debounceMs ?? 100)
    return source
  }

  get deck(): Deck {
    return this.#deck
  }

  onChange(listener: (deck: Deck) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Reads the file now; resolves true when the deck changed. One read at a time, in order: an
   *  older read that happens to finish last must not put back the text it saw. */
  reload(): Promise<boolean> {
    this.#reloading = this.#reloading.then(() => this.#read())
    return this.#reloading
  }

  async #read(): Promise<boolean> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    }
    catch {
      return false // mid-save (renamed away); the next event reads it
    }
    if (text === this.#text)
      return false
    let deck: Deck
    try {
      deck = parseDeck(text, this.displayName)
    }
    catch (error) {
      // Keep serving the last deck that parsed: a half-written edit must not stop the show.
      this.#log(`${this.displayName} could not be read after an edit (${error instanceof Error ? error.message : String(error)}); keeping the previous version`)
      return false
    }
    this.#text = text
    this.#deck = deck
    this.#log(`${this.displayName} changed: ${this.#deck.demos.length} demos, ${this.#deck.problems.length} problems`)
    for (const listener of this.#listeners) {
      try {
        listener(this.#deck)
      }
      catch (error) {
        this.#log(`a deck listener failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    return true
  }

  close(): void {
    clearTimeout(this.#timer)
    this.#watcher?.close()
    this.#watcher = undefined
    this.#listeners.clear()
  }

  [Symbol.dispose](): void {
    this.close()
  }

  // The directory, not the file: editors save by renaming a new file over the old one, which
  // ends a watch on the file itself.
  #watch(debounceMs: number): void {
    const base = path.basename(this.file)
    this.#watcher = watch(path.dirname(this.file), (_event, name) => {
      if (name !== null && name !== base)
        return
      clearTimeout(this.#timer)
      this.#timer = setTimeout(() => void this.reload(), debounceMs)
    })
    this.#watcher.on('error', error => this.#log(`watching ${this.displayName} failed: ${error.message}; edits will not reload`))
  }
}
