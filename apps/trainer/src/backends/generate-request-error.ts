/**
 * Why a trainer refuses a Generate call, as the gRPC status it becomes:
 * - `invalid-argument`: the request itself is wrong (too many prompts, a prompt past the model's
 *   context, a malformed adapter) — INVALID_ARGUMENT; no node would serve it.
 * - `failed-precondition`: this node cannot serve it (the model is not on its disk, the adapter was
 *   trained on another model) — FAILED_PRECONDITION.
 */
export type GenerateRefusal = 'invalid-argument' | 'failed-precondition';

/** A refused Generate call; the message is `field: problem`, the field named as on the wire. */
export class GenerateRequestError extends Error {
  constructor(
    readonly refusal: GenerateRefusal,
    /** The offending field: `prompts[1]`, `maxNewTokens`, `params.model.path`, `adapter.v`, `backend`. */
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = this.constructor.name;
  }
}
