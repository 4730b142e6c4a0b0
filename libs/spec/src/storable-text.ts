/**
 * Text a store can keep: Postgres text and jsonb hold no NUL character, and no UTF-8 text (so no
 * store) holds a lone UTF-16 surrogate, which JSON can nonetheless escape (`"\ud800"`). Such text in
 * a request must be refused naming where it is, before it reaches a statement that fails.
 */

/** A UTF-16 surrogate without its pair (matched code unit by code unit: no `u` flag). */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why text is not storable, or undefined when it is. */
export function unstorableText(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain the NUL character (\\u0000): it cannot be stored, nor passed to a program';
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode text (it holds a lone surrogate, e.g. \\ud800)';
  return undefined;
}
