/**
 * `storedSpec`: a spec read back from the database → a {@link SweepSpec} with today's defaults.
 *
 * The API stores the normalized spec, but a sweep stored by an older tinysweep (or written by a
 * tool straight into Postgres) may lack fields added since, such as `params` or `checkpoint`.
 * Normalizing is idempotent, so parsing a stored spec again fills in what is missing and leaves
 * the rest as it was; readers never have to guess which fields an old spec has.
 */
import { toSpecIssues } from './schema-kit.js';
import { SweepSpecSchema, type SweepSpec } from './sweep-spec.js';

/** @throws Error naming the sweep and each field when the stored spec no longer fits the schema. */
export function storedSpec(stored: unknown, sweepId: string): SweepSpec {
  const parsed = SweepSpecSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const issues = toSpecIssues(parsed.error.issues).map((i) => `${i.path || '(root)'}: ${i.message}`);
  throw new Error(`the stored spec of sweep ${sweepId} does not fit this version's schema: ${issues.join('; ')}`);
}
