/** Field paths as users read them: `adapter.rank[1]`, `params["my key"]`, `""` for the root. */

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Formats a path of keys and indices as `a.b[2].c`; keys that are not identifier-like are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = typeof part === 'symbol' ? (part.description ?? 'symbol') : part;
      if (PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** Joins a parent path and a child key or index. */
export function childPath(parent: string, part: PropertyKey): string {
  const child = formatPath([part]);
  if (parent === '' || child.startsWith('[')) return parent + child;
  return `${parent}.${child}`;
}
