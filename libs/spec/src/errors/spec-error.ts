/**
 * The one error this library throws for a bad sweep spec: every problem found, each with the path of
 * the field it concerns, so a CLI or HTTP client can point at the line to fix.
 */

/** Prefix of every {@link SpecError} message. */
export const INVALID_SPEC = 'invalid sweep spec';

/** Issues listed in full in a {@link SpecError} message; the rest are counted. */
const MESSAGE_ISSUE_LIMIT = 10;

/** One problem in a spec. */
export interface SpecIssue {
  /**
   * Where, as `a.b[2].c` (e.g. `adapter.rank[1]`, `budget.maxTrials`); `""` for the spec as a whole
   * (size, YAML syntax, not a mapping).
   */
  path: string;
  /** What is wrong, in words a user can act on (e.g. `must be a positive integer (got -2)`). */
  message: string;
}

/**
 * A spec that cannot be accepted. `issues` holds every problem found (at least one); `message` sums
 * them up: `invalid sweep spec: adapter.rank[1]: must be a positive integer (got -2); name: required`.
 */
export class SpecError extends Error {
  readonly issues: SpecIssue[];

  constructor(issues: SpecIssue[]) {
    const list = issues.length > 0 ? issues : [{ path: '', message: 'unknown problem' }];
    super(summarise(list));
    this.name = this.constructor.name;
    this.issues = list;
  }

  /** A SpecError with a single issue. */
  static at(path: string, message: string): SpecError {
    return new SpecError([{ path, message }]);
  }
}

function summarise(issues: readonly SpecIssue[]): string {
  const shown = issues.slice(0, MESSAGE_ISSUE_LIMIT).map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`));
  const more = issues.length - shown.length;
  return `${INVALID_SPEC}: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
