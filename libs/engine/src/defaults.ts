/** Applying defaults once, in a constructor (STYLE "What tinysweep should take" #2). Internal. */

/** `opts` without keys whose value is `undefined`, so spreading it over defaults never erases one. */
export function withoutUndefined<T extends object>(opts: T): Partial<T> {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as Partial<T>;
}
