/**
 * `{name}` placeholders in a command's arguments.
 *
 * `{lr}` is replaced by params.lr, `{adapter.rank}` by params.adapter.rank (a key that itself
 * contains the dots, `params["adapter.rank"]`, wins). Strings go in as they are, numbers and
 * booleans stringified, objects, arrays and null as JSON. The reserved names `{trial_id}`,
 * `{sweep_id}`, `{attempt}` and `{params_file}` come from the request; `{seed}` is params.seed.
 * Only identifier-like names are placeholders, so JSON text such as `{"a":1}` passes through; a
 * placeholder that names nothing is an error (a typo would otherwise run the wrong experiment).
 */
const PLACEHOLDER_RE = /\{([A-Za-z_][\w-]*(?:\.[\w-]+)*)\}/g;

/** Values that are not params. */
export interface PlaceholderContext {
  trial_id: string;
  sweep_id: string;
  attempt: number;
  params_file: string;
}

/** The value at a dotted path, or undefined. */
export function lookupParam(params: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(params, name)) return params[name];
  let node: unknown = params;
  for (const part of name.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** How a value is written into an argument. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** Replaces the placeholders of one argument; throws on a name that resolves to nothing. */
export function expandArg(arg: string, params: Record<string, unknown>, ctx: PlaceholderContext): string {
  return arg.replace(PLACEHOLDER_RE, (_match, name: string) => {
    const value = Object.hasOwn(ctx, name) ? ctx[name as keyof PlaceholderContext] : lookupParam(params, name);
    if (value === undefined) {
      throw new Error(`placeholder {${name}} in "${arg}" names no parameter (params: ${Object.keys(params).join(', ') || 'none'})`);
    }
    return formatValue(value);
  });
}

/** Expands every argument; splitting happened before, so a value with spaces stays one argument. */
export function expandArgv(argv: readonly string[], params: Record<string, unknown>, ctx: PlaceholderContext): string[] {
  return argv.map((arg) => expandArg(arg, params, ctx));
}
