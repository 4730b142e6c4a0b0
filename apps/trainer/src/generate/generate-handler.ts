import * as grpc from '@grpc/grpc-js';
import type { GenerateReply, GenerateRequest__Output } from '@tinysweep/proto';
import type { Logger } from 'pino';
import type { BackendRegistry } from '../backends/backend.js';
import { DataRoots } from '../data-roots.js';
import { GenerateRequestError } from '../backends/generate-request-error.js';
import { checkGenerateRequest } from './generate-request.js';

type GenerateCall = grpc.ServerUnaryCall<GenerateRequest__Output, GenerateReply>;

/** What {@link GenerateHandler} needs from its server. */
export interface GenerateHandlerOptions {
  backends: BackendRegistry;
  workdir: string;
  /** Where the trial's model may be read from; a model elsewhere is refused (FAILED_PRECONDITION). @defaultValue the workdir only */
  roots?: DataRoots;
  /** Generate calls served at once; one more gets RESOURCE_EXHAUSTED. */
  maxConcurrent: number;
  nodeId: () => string;
  /** True once the server is shutting down: new calls get UNAVAILABLE. */
  stopping: () => boolean;
  logger: Logger;
}

const STATUS = { 'invalid-argument': grpc.status.INVALID_ARGUMENT, 'failed-precondition': grpc.status.FAILED_PRECONDITION } as const;

/**
 * The trainer's Generate RPC (Try it). It takes no training slot — a user waiting on the board
 * should not queue behind a sweep — so it is bounded on its own: GENERATE_LIMITS per call (checked
 * before any model work) and `maxConcurrent` calls at once. Refusals are gRPC statuses whose details
 * name the field (`prompts[1]: …`); a client that cancels aborts the work before the model call.
 */
export class GenerateHandler {
  private inFlight = 0;

  constructor(private readonly opts: GenerateHandlerOptions) {}

  /** Calls being served now. */
  get running(): number {
    return this.inFlight;
  }

  handle(call: GenerateCall, callback: grpc.sendUnaryData<GenerateReply>): void {
    if (this.opts.stopping()) {
      callback({ code: grpc.status.UNAVAILABLE, details: 'trainer is shutting down' });
      return;
    }
    if (this.inFlight >= this.opts.maxConcurrent) {
      callback({ code: grpc.status.RESOURCE_EXHAUSTED, details: `trainer ${this.opts.nodeId()} is already generating for ${this.inFlight} call(s); try again shortly` });
      return;
    }
    this.inFlight++;
    void this.serve(call)
      .then(
        (reply) => callback(null, reply),
        (err: unknown) => callback(this.toStatus(err, call)),
      )
      .finally(() => this.inFlight--);
  }

  private async serve(call: GenerateCall): Promise<GenerateReply> {
    const started = performance.now();
    const controller = new AbortController();
    call.on('cancelled', () => controller.abort(new Error('generate cancelled: the client cancelled the call or went away')));
    const req = checkGenerateRequest(call.request);
    const { backends } = this.opts;
    if (!backends.has(req.backend)) {
      throw new GenerateRequestError('invalid-argument', 'backend', backends.refusal(req.backend) ?? `unknown backend "${req.backend}" (this trainer offers: ${backends.names().join(', ') || 'none'})`);
    }
    const outside = await (this.opts.roots ?? new DataRoots(this.opts.workdir)).outside(req.params);
    if (outside) throw new GenerateRequestError('failed-precondition', outside.field, outside.problem);
    const backend = backends.get(req.backend);
    if (!backend.generate) throw new GenerateRequestError('invalid-argument', 'backend', `the ${req.backend} backend cannot generate (its adapters are its program's own); Try it needs a tinylora trial`);
    const r = await backend.generate({ ...req, workdir: this.opts.workdir }, controller.signal);
    const seconds = (performance.now() - started) / 1000;
    this.opts.logger.debug({ backend: req.backend, prompts: req.prompts.length, maxNewTokens: r.maxNewTokens, seconds, modelCacheHit: r.modelCacheHit }, 'generated');
    return { ...r, nodeId: this.opts.nodeId(), seconds };
  }

  private toStatus(err: unknown, call: GenerateCall): Partial<grpc.StatusObject> {
    if (err instanceof GenerateRequestError) return { code: STATUS[err.refusal], details: err.message };
    if (call.cancelled) return { code: grpc.status.CANCELLED, details: 'generate cancelled' };
    this.opts.logger.error({ err }, 'generate failed');
    return { code: grpc.status.INTERNAL, details: `generate failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
