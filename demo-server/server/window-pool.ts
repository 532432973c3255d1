/**
 * The windows connected at once, in two pools with limits of their own: the presenter's (they
 * hold the token) and the viewers' (an audience, `slidev --remote` peers). Viewers filling
 * theirs never keeps the presenter from opening a window, and no one address (one program, one
 * laptop on `--remote`) can fill the viewers' pool alone. Pure bookkeeping, no sockets.
 */

export type WindowRole = 'presenter' | 'viewer'

export interface WindowLimits {
  /** Windows that proved they are the presenter's at the upgrade (SocketServerOptions.isPresenter). */
  maxPresenterWindows: number
  maxViewers: number
  /** Viewers from one remote address (all of this machine's count as one: loopback). */
  maxViewersPerAddress: number
}

export const DEFAULT_WINDOW_LIMITS: WindowLimits = { maxPresenterWindows: 16, maxViewers: 256, maxViewersPerAddress: 64 }

export class WindowPool<T> {
  readonly #roles = new Map<T, { role: WindowRole, address: string }>()
  readonly #counts: Record<WindowRole, number> = { presenter: 0, viewer: 0 }
  readonly #viewersByAddress = new Map<string, number>()

  constructor(readonly limits: WindowLimits = DEFAULT_WINDOW_LIMITS) {}

  /** Why a window of this role cannot join now, or undefined when it can. */
  refusal(role: WindowRole, address = ''): string | undefined {
    if (role === 'presenter' && this.#counts.presenter >= this.limits.maxPresenterWindows)
      return `${this.#counts.presenter} presenter windows are open (at most ${this.limits.maxPresenterWindows}); close one.`
    if (role === 'viewer' && this.#counts.viewer >= this.limits.maxViewers)
      return `${this.#counts.viewer} viewers are watching (at most ${this.limits.maxViewers}); try again later.`
    const fromAddress = this.#viewersByAddress.get(address) ?? 0
    if (role === 'viewer' && fromAddress >= this.limits.maxViewersPerAddress)
      return `${fromAddress} viewer windows are open from ${address || 'this address'} (at most ${this.limits.maxViewersPerAddress} from one); close some.`
    return undefined
  }

  add(window: T, role: WindowRole, address = ''): void {
    if (this.#roles.has(window))
      return
    this.#roles.set(window, { role, address })
    this.#counts[role] += 1
    if (role === 'viewer')
      this.#viewersByAddress.set(address, (this.#viewersByAddress.get(address) ?? 0) + 1)
  }

  /** Frees the window's slot; safe to call twice. */
  delete(window: T): void {
    const entry = this.#roles.get(window)
    if (entry === undefined)
      return
    this.#roles.delete(window)
    this.#counts[entry.role] -= 1
    if (entry.role === 'viewer') {
      const left = (this.#viewersByAddress.get(entry.address) ?? 1) - 1
      if (left === 0)
        this.#viewersByAddress.delete(entry.address)
      else
        this.#viewersByAddress.set(entry.address, left)
    }
  }

  has(window: T): boolean {
    return this.#roles.has(window)
  }

  count(role?: WindowRole): number {
    return role === undefined ? this.#roles.size : this.#counts[role]
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.#roles.keys()
  }
}
