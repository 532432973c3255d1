/** Small helpers the server modules share; not part of the public surface. */

/** The object without its undefined properties, so that spreading it keeps the defaults. */
export function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T
}
