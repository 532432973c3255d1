/**
 * The windows connected at once, in two pools with limits of their own: the presenter's (they
 * hold the token) and the viewers' (an audience, `slidev --remote` peers). Viewers filling
 * theirs never keeps the presenter from opening a window. Pure bookkeeping, no sockets.
 */

export type WindowRole = 'presenter' | 'viewer'

export interface WindowLimits {
  /** Windows that proved they are the presenter's at the upgrade (SocketServerOptions.isPresenter). */
  maxPresenterWindows: number
  maxViewers: number
}

export const DEFAULT_WINDOW_LIMITS: WindowLimits = { maxPresenterWindows: 16, maxViewers: 256 }

export class WindowPool<T> {
  readonly #roles = new Map<T, WindowRole>()
  readonly #counts: Record<WindowRole, number> = { presenter: 0, viewer: 0 }

  constructor(readonly limits: WindowLimits = DEFAULT_WINDOW_LIMITS) {}

  /** Why a window of this role cannot join now, or undefined when it can. */
  refusal(role: WindowRole): string | undefined {
    if (role === 'presenter' && this.#counts.presenter >= this.limits.maxPresenterWindows)
      return `${this.#counts.presenter} presenter windows are open (at most ${this.limits.maxPresenterWindows}); close one.`
    if (role === 'viewer' && this.#counts.viewer >= this.limits.maxViewers)
      return `${this.#counts.viewer} viewers are watching (at most ${this.limits.maxViewers}); try again later.`
    return undefined
  }

  add(window: T, role: WindowRole): void {
    if (this.#roles.has(window))
      return
    this.#roles.set(window, role)
    this.#counts[role] += 1
  }

  /** Frees the window's slot; safe to call twice. */
  delete(window: T): void {
    const role = this.#roles.get(window)
    if (role === undefined)
      return
    this.#roles.delete(window)
    this.#counts[role] -= 1
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
