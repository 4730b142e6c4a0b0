/** Prefix of every TorchWorkerError message: a trial's error reads `torch worker …`. */
export const TORCH_WORKER_ERROR = 'torch worker';

/**
 * The torch worker failed a request: it died (`code` 'exited', with its stderr tail in the message),
 * could not start ('spawn'), or refused the request ('bad_request', 'internal', …, the worker's codes).
 */
export class TorchWorkerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The last lines the worker wrote on stderr (a Python traceback, an import error). */
    readonly stderrTail = '',
  ) {
    super(`${TORCH_WORKER_ERROR} ${message}${stderrTail ? `\n--- worker stderr (tail) ---\n${stderrTail}` : ''}`);
    this.name = this.constructor.name;
  }
}
