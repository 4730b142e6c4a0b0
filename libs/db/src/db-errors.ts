/**
 * What a failed statement says about its cause: the database went away (retry later; not the
 * trial's fault) or the values were wrong (retrying the same values fails again). Errors come from
 * `pg` (a `code` of SQLSTATE, or a Node socket error code) or from Prisma's pg adapter (the same
 * codes on a `cause`), so both the error and its causes are looked at.
 */

/** SQLSTATE classes of a lost or refusing server: 08 connection, 53 resources, 57 operator intervention (shutdown, recovery). */
const CONNECTION_CLASSES = ['08', '53', '57'];
/** Node socket errors on the way to the server. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** Messages of pg and Prisma that carry no code when the connection ends. */
const CONNECTION_MESSAGE =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Can't reach database|Server has closed the connection|database system is (starting up|shutting down|in recovery)|the database system is not yet accepting connections/i;

function* causes(err: unknown): Generator<{ code?: unknown; message?: unknown; originalCode?: unknown }> {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    yield e as { code?: unknown; message?: unknown; originalCode?: unknown };
    e = (e as { cause?: unknown }).cause;
  }
}

function sqlState(e: { code?: unknown; originalCode?: unknown }): string | undefined {
  for (const c of [e.originalCode, e.code]) if (typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c)) return c;
  return undefined;
}

/** The database could not be reached or dropped the connection: the same statement may work later. */
export function isConnectionError(err: unknown): boolean {
  for (const e of causes(err)) {
    const state = sqlState(e);
    if (state && CONNECTION_CLASSES.includes(state.slice(0, 2))) return true;
    if (typeof e.code === 'string' && SOCKET_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && CONNECTION_MESSAGE.test(e.message)) return true;
  }
  return false;
}

/**
 * The values were refused (SQLSTATE class 22 data exception: out of range, bad encoding; 23 integrity:
 * a row that no longer exists): the same values will be refused again.
 */
export function isDataError(err: unknown): boolean {
  for (const e of causes(err)) {
    const state = sqlState(e);
    if (state && (state.startsWith('22') || state.startsWith('23'))) return true;
  }
  return false;
}
