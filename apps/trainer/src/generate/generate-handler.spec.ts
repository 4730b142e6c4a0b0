/**
 * Generate over real gRPC: a trainer serves Try it from the tinylora backend's cache (real
 * stories260K), outside its training slots but within its own bounds, and refuses what it cannot
 * serve with a status that names the field.
 */
import * as grpc from '@grpc/grpc-js';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { createTrainerClient, generateCompletions, type GenerateRequest, type TrainerClient, type TrainResult } from '@tinysweep/proto';
import { checkTinyLoraTrial, type TinyLoraTrial } from '@tinysweep/trial';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BackendRegistry, type GenerateBackendRequest, type GenerateBackendResult, type TrainerBackend } from '../backends/backend.js';
import { CommandBackend } from '../backends/command/command-backend.js';
import { TinyLoraBackend } from '../backends/tinylora/tinylora-backend.js';
import { RecordingSink } from '../testing/recording-sink.js';
import { TrainerServer } from '../trainer-server.js';
import type { TrainerServerOptions } from '../interfaces/trainer-server-options.js';

const servers: TrainerServer[] = [];
const clients: TrainerClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function serve(backends: BackendRegistry, opts: TrainerServerOptions = {}): Promise<TrainerClient> {
  const server = new TrainerServer({ port: 0, backends, nodeId: 'node-g', ...opts });
  servers.push(server);
  const { address } = await server.start();
  const c = createTrainerClient(address, { token: opts.token });
  clients.push(c);
  return c;
}

const refusal = (p: Promise<unknown>) => p.then(() => ({ code: grpc.status.OK, details: '' }), (err: grpc.ServiceError) => ({ code: err.code, details: err.details }));

/** A backend whose generate waits until released: holds calls in flight. */
class GatedBackend implements TrainerBackend {
  readonly name = 'gated';
  readonly seen: GenerateBackendRequest[] = [];
  private open!: () => void;
  private readonly gate = new Promise<void>((r) => (this.open = r));
  run(): Promise<TrainResult> {
    return Promise.resolve({ ok: true });
  }
  async generate(req: GenerateBackendRequest): Promise<GenerateBackendResult> {
    this.seen.push(req);
    await this.gate;
    return { completions: req.prompts.map((prompt) => ({ prompt, base: 'b', adapted: 'a' })), maxNewTokens: req.maxNewTokens ?? 7, generateSeconds: 0.01, modelCacheHit: true, sessionCacheHit: false };
  }
  release(): void {
    this.open();
  }
}

const gatedRequest: GenerateRequest = { backend: 'gated', paramsJson: '{}', adapterJson: '{}', prompts: ['p'] };

describe('Generate', () => {
  it('takes no training slot but at most maxGenerations calls at once; the reply carries node and timing', async () => {
    const gated = new GatedBackend();
    const backends = new BackendRegistry();
    backends.register(gated);
    const c = await serve(backends, { slots: 1, maxGenerations: 2 });
    const first = generateCompletions(c, gatedRequest);
    const second = generateCompletions(c, { ...gatedRequest, prompts: ['q', 'r'], maxNewTokens: 3 });
    await expect.poll(() => gated.seen.length).toBe(2);
    expect(await refusal(generateCompletions(c, gatedRequest))).toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/already generating/) });
    gated.release();
    const reply = await second;
    expect(reply).toMatchObject({ nodeId: 'node-g', maxNewTokens: 3, modelCacheHit: true, sessionCacheHit: false, completions: [{ prompt: 'q', base: 'b', adapted: 'a' }, { prompt: 'r' }] });
    expect(reply.seconds).toBeGreaterThan(0);
    expect((await first).maxNewTokens).toBe(7); // 0 on the wire: the trial's own
    expect(gated.seen[0]!.maxNewTokens).toBeUndefined();
  });

  it('refuses a bad request, a backend that cannot generate and a missing token with the status that says why', async () => {
    const backends = new BackendRegistry();
    backends.register(new CommandBackend({ programs: ['node'] }));
    const c = await serve(backends);
    expect(await refusal(generateCompletions(c, { ...gatedRequest, prompts: Array.from({ length: 9 }, () => 'p') }))).toEqual({ code: grpc.status.INVALID_ARGUMENT, details: 'prompts: at most 8 per call (got 9)' });
    expect(await refusal(generateCompletions(c, gatedRequest))).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringMatching(/^backend: unknown backend "gated"/) });
    expect(await refusal(generateCompletions(c, { ...gatedRequest, backend: 'command' }))).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringMatching(/^backend: the command backend cannot generate/) });

    const locked = await serve(backends, { token: 's3cret' });
    const anonymous = createTrainerClient(`127.0.0.1:${servers.at(-1)!.port}`);
    clients.push(anonymous);
    expect((await refusal(generateCompletions(anonymous, gatedRequest))).code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await refusal(generateCompletions(locked, gatedRequest))).code).toBe(grpc.status.INVALID_ARGUMENT); // authenticated, then checked
  });
});

describe('Generate on the tinylora backend (real stories260K)', () => {
  let workdir: string;
  let tinylora: TinyLoraBackend;
  let trained: TrainResult;
  const prompts = ['One day, there was a little girl named', 'Once there was a brave boy named'];
  const params = () => ({
    model: { path: join(STORIES260K_DIR, 'stories260K.bin') },
    task: { kind: 'regex', pattern: '\\bTom\\b', prompts: ['Once upon a time, there was a little boy named'], evalPrompts: prompts, maxNewTokens: 6 },
    adapter: { modules: ['q', 'v'], layers: 'all', rank: 1, u: 2, tie: { mode: 'full' } },
    optimizer: { kind: 'es', population: 2, sigma: 0.3, lr: 0.1, iterations: 1, batch: 1 },
    seed: 1,
  });

  beforeAll(async () => {
    workdir = await mkdtemp(join(tmpdir(), 'tinysweep-generate-spec-'));
    tinylora = new TinyLoraBackend({ graphCacheDir: join(workdir, 'graphs') });
    trained = await tinylora.run({ trialId: 't', sweepId: 's', attempt: 1, params: params(), trial: { backend: 'tinylora', params: checkTinyLoraTrial(params() as unknown as TinyLoraTrial) }, spec: {}, timeoutMs: 0, workdir }, new RecordingSink(), new AbortController().signal);
    expect(trained.ok).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await tinylora.close();
    await rm(workdir, { recursive: true, force: true });
  });

  const request = (over: Partial<GenerateRequest> = {}): GenerateRequest => ({ backend: 'tinylora', paramsJson: JSON.stringify(params()), adapterJson: trained.adapterJson, prompts, ...over });

  it("answers from the trial's cached model and session, every prompt base and adapted", async () => {
    const backends = new BackendRegistry();
    backends.register(tinylora);
    const c = await serve(backends, { workdir, dataRoots: [STORIES260K_DIR] });
    const reply = await generateCompletions(c, request({ maxNewTokens: 10 }));
    expect(reply.completions.map((x) => x.prompt)).toEqual(prompts);
    expect(reply.completions.every((x) => x.base.length > 0 && x.adapted.length > 0)).toBe(true);
    expect(reply).toMatchObject({ maxNewTokens: 10, modelCacheHit: true, sessionCacheHit: true, nodeId: 'node-g' });
    expect(reply.generateSeconds).toBeGreaterThan(0);
    expect(reply.seconds).toBeGreaterThanOrEqual(reply.generateSeconds);
    expect(tinylora.models.stats()).toMatchObject({ modelLoads: 1, sessionOpens: 1 });
  });

  it.each<[string, Partial<GenerateRequest>, grpc.status, RegExp]>([
    ['a prompt past the context', { prompts: ['ok', 'word '.repeat(390)] }, grpc.status.INVALID_ARGUMENT, /^prompts\[1\]: \d+ tokens .* exceed the model's context of 512$/],
    ['bad params', { paramsJson: JSON.stringify({ ...params(), seed: -1 }) }, grpc.status.INVALID_ARGUMENT, /^params\.seed: must be at least 0$/],
    ['a malformed adapter', { adapterJson: '{"format":"tinysweep.tinylora/1"}' }, grpc.status.INVALID_ARGUMENT, /^adapter\.baseModel: /],
    ['a model not on this node', { paramsJson: JSON.stringify({ ...params(), model: { path: 'models/nope.bin' } }) }, grpc.status.FAILED_PRECONDITION, /^params\.model\.path: .*nope\.bin does not exist on this trainer/],
    ['a model outside the workdir and data roots', { paramsJson: JSON.stringify({ ...params(), model: { path: '/etc/passwd' } }) }, grpc.status.FAILED_PRECONDITION, /^params\.model\.path: \/etc\/passwd is outside this trainer's workdir and data roots/],
  ])('refuses %s naming the field', async (_, over, code, details) => {
    const backends = new BackendRegistry();
    backends.register(tinylora);
    const c = await serve(backends, { workdir, dataRoots: [STORIES260K_DIR] });
    const r = await refusal(generateCompletions(c, request(over)));
    expect(r.code).toBe(code);
    expect(r.details).toMatch(details);
  });
});
