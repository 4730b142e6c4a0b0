/** What a secret reads as in every answer of the API. */
export const REDACTED = '***';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A copy of a spec fit to show: `backend.env` keeps its names but every value reads `***` (they are
 * how people pass API keys to their programs). The stored spec keeps the values; trainers need them.
 */
export function redactSpec<T>(spec: T): T {
  if (!isObject(spec) || !isObject(spec.backend) || !isObject(spec.backend.env)) return spec;
  const env = Object.fromEntries(Object.keys(spec.backend.env).map((k) => [k, REDACTED]));
  return { ...spec, backend: { ...spec.backend, env } };
}
