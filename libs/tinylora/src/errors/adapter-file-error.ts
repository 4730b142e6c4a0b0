/**
 * The error {@link parseAdapter} (and every adapter-file check) throws: which field is wrong and why,
 * so a trainer log or an API response can point at it.
 */

/** Prefix of every {@link AdapterFileError} message. */
export const INVALID_ADAPTER_FILE = 'invalid adapter file';

/** An adapter file (or in-memory `AdapterFile`) that cannot be accepted. */
export class AdapterFileError extends Error {
  /** The offending field as a path (`structure.tie.n`, `v[3]`), or `(file)` for the file as a whole. */
  readonly field: string;
  /** What is wrong with it. */
  readonly problem: string;

  constructor(field: string, problem: string) {
    super(`${INVALID_ADAPTER_FILE}: ${field}: ${problem}`);
    this.name = this.constructor.name;
    this.field = field;
    this.problem = problem;
  }
}
