import {
  BadRequestException,
  ConflictException,
  GatewayTimeoutException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  BadGatewayException,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { TryResult } from '@tinysweep/api-types';
import { SweepRepository, TrialRepository, type JsonObject, type TrialDetail } from '@tinysweep/db';
import { TrainerFleet } from '@tinysweep/fleet';
import { generateCompletions, trainerChannelCredentials, TrainerClients, type GenerateReply__Output } from '@tinysweep/proto';
import { loadTlsMaterial } from '@tinysweep/tls';
import { API_CONFIG, type ApiConfig } from '../config/api.config.js';
import { TryTrialBody } from './dto/try-trial.dto.js';
import { tryItNodes } from './try-it-nodes.js';

/** The one backend whose adapters trainers run themselves, so the only one Try it can serve. */
const GENERATING_BACKEND = 'tinylora';
/** Trainers asked in turn before giving up (each refusal is quick; a slow one has its own deadline). */
const MAX_NODES = 3;

/** Nest's exceptions with the API's one error shape: `{ statusCode, error, message, issues? }`. */
function badRequest(path: string, message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${path}: ${message}`, issues: [{ path, message }] });
}

/**
 * Try it: a succeeded TinyLoRA trial's adapter and the base model, side by side on prompts a user
 * types. The API picks a live trainer from the fleet (the one that trained the trial first: its
 * cache is warm) and calls its Generate RPC, dialling with the dispatcher's credentials code
 * (TrainerClients, libs/proto); refusals that another node might not give move on to the next one.
 */
@Injectable()
export class TryItService implements OnApplicationShutdown {
  private readonly clients?: TrainerClients;
  /** Why trainers cannot be dialled (TLS not configured), when they cannot. */
  private readonly cannotDial?: string;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(TrialRepository) private readonly trials: TrialRepository,
    @Inject(SweepRepository) private readonly sweeps: SweepRepository,
    @Inject(TrainerFleet) private readonly fleet: TrainerFleet,
  ) {
    // Not a boot failure: an API without trainer credentials still serves everything but Try it.
    try {
      const tls = loadTlsMaterial({ ca: config.TINYSWEEP_TLS_CA, cert: config.TINYSWEEP_TLS_CERT, key: config.TINYSWEEP_TLS_KEY }, 'API TLS towards trainers');
      this.clients = new TrainerClients(trainerChannelCredentials(tls, config.TINYSWEEP_ALLOW_PLAINTEXT), config.TINYSWEEP_TRAINER_TOKEN);
    } catch (err) {
      this.cannotDial = (err as Error).message;
    }
  }

  async tryIt(trialId: string, body: unknown): Promise<TryResult> {
    const started = performance.now();
    const parsed = TryTrialBody.safeParse(body ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '['), message: i.message }));
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; '), issues });
    }
    const req = parsed.data;
    const trial = await this.trials.detail(trialId);
    if (!trial) throw new NotFoundException(`trial ${trialId} not found`);
    const adapterJson = await this.servableAdapter(trial);
    if (!this.clients) throw new ServiceUnavailableException(`Try it cannot reach trainers: ${this.cannotDial}`);

    const nodes = tryItNodes(await this.fleet.nodes(), GENERATING_BACKEND, trial.trainerId).slice(0, MAX_NODES);
    if (nodes.length === 0) throw new ServiceUnavailableException('no live trainer offers the tinylora backend, so none can generate: start a trainer and try again');
    const refusals: string[] = [];
    for (const node of nodes) {
      let reply: GenerateReply__Output;
      try {
        reply = await generateCompletions(
          this.clients.get(node.address),
          { backend: GENERATING_BACKEND, paramsJson: JSON.stringify(trial.params), adapterJson, prompts: req.prompts, maxNewTokens: req.maxNewTokens ?? 0 },
          { deadlineMs: this.config.TINYSWEEP_TRY_TIMEOUT_MS },
        );
      } catch (err) {
        const e = err as Partial<ServiceError>;
        const details = e.details ?? e.message ?? String(err);
        switch (e.code) {
          case GrpcStatus.INVALID_ARGUMENT: {
            // `field: problem`; the prompts are the user's, anything else (params, adapter) is the stored trial's
            const field = /^([\w.[\]]+): /.exec(details)?.[1] ?? '';
            if (field.startsWith('prompts') || field === 'maxNewTokens') {
              const path = req.single ? field.replace(/^prompts\[0\]/, 'prompt') : field;
              throw badRequest(path, details.slice(field.length + 2));
            }
            throw new ConflictException(`trial ${trialId} cannot be tried as stored: ${details}`);
          }
          case GrpcStatus.DEADLINE_EXCEEDED:
            throw new GatewayTimeoutException(`trainer ${node.id} did not answer within ${this.config.TINYSWEEP_TRY_TIMEOUT_MS} ms`);
          case GrpcStatus.UNAVAILABLE:
          case GrpcStatus.FAILED_PRECONDITION:
          case GrpcStatus.RESOURCE_EXHAUSTED:
          case GrpcStatus.UNIMPLEMENTED:
          case GrpcStatus.UNAUTHENTICATED:
            // this node could not take it; another may
            if (e.code === GrpcStatus.UNAVAILABLE) this.clients.forget(node.address);
            refusals.push(`${node.id}: ${details}`);
            continue;
          default:
            throw new BadGatewayException(`trainer ${node.id} failed to generate: ${details}`);
        }
      }
      return {
        trialId,
        completions: reply.completions.map((c) => ({ prompt: c.prompt, base: c.base, adapted: c.adapted })),
        maxNewTokens: reply.maxNewTokens,
        node: { id: reply.nodeId || node.id, modelCacheHit: reply.modelCacheHit, sessionCacheHit: reply.sessionCacheHit },
        timing: { seconds: (performance.now() - started) / 1000, trainerSeconds: reply.seconds, generateSeconds: reply.generateSeconds },
      };
    }
    throw new ServiceUnavailableException(`no live trainer could generate for trial ${trialId}: ${refusals.join('; ')}`);
  }

  onApplicationShutdown(): void {
    this.clients?.close();
  }

  /** The adapter file to send, or a 409 saying why this trial has none a trainer can run. */
  private async servableAdapter(trial: TrialDetail): Promise<string> {
    const spec = await this.sweeps.spec(trial.sweepId);
    const section = spec?.backend;
    const kind = section && typeof section === 'object' && !Array.isArray(section) ? (section as JsonObject).kind : undefined;
    const backend = typeof kind === 'string' ? kind : 'unknown';
    if (backend !== GENERATING_BACKEND) {
      throw new ConflictException(`trial ${trial.id} ran on the ${backend} backend; Try it needs a tinylora trial, whose adapter the trainers can run themselves`);
    }
    if (trial.status !== 'succeeded') throw new ConflictException(`trial ${trial.id} is ${trial.status}; Try it needs a succeeded trial (its adapter comes with the result)`);
    if (!trial.adapter) throw new ConflictException(`trial ${trial.id} has no adapter`);
    return JSON.stringify(trial.adapter);
  }
}
