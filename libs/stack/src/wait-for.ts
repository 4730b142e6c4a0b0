import { connect } from 'node:net';

export interface WaitOptions {
  /** @defaultValue 30000 */
  timeoutMs?: number;
  /** @defaultValue 100 */
  intervalMs?: number;
  /** Stops waiting (rejecting with the signal's reason), e.g. when the awaited process exits. */
  signal?: AbortSignal;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns true. Rejects after `timeoutMs` with `what` and the last
 * error `check` threw, or as soon as `signal` aborts.
 */
export async function waitUntil(what: string, check: () => Promise<boolean>, opts: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 100, signal } = opts;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    signal?.throwIfAborted();
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await sleep(intervalMs);
  }
}

/** True when a TCP connection to host:port opens. */
export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Waits until host:port accepts TCP connections. */
export function waitForTcp(port: number, host = '127.0.0.1', opts: WaitOptions = {}): Promise<void> {
  return waitUntil(`${host}:${port} to accept connections`, () => canConnect(port, host), opts);
}

/** Waits until `url` answers with `status` (200). */
export function waitForHttp(url: string, opts: WaitOptions & { status?: number } = {}): Promise<void> {
  const status = opts.status ?? 200;
  return waitUntil(
    `${url} to answer ${status}`,
    async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.status !== status) throw new Error(`status ${res.status}`);
      return true;
    },
    opts,
  );
}
