/**
 * TryItService against fake trainers that answer Generate over real gRPC: which node it asks, and
 * what each trainer answer becomes for the HTTP client.
 */
import * as grpc from '@grpc/grpc-js';
import type { HttpException } from '@nestjs/common';
import type { SweepRepository, TrialDetail, TrialRepository } from '@tinysweep/db';
import type { TrainerFleet, TrainerNodeStatus } from '@tinysweep/fleet';
import { loadTrainerProto, type GenerateReply, type GenerateRequest__Output } from '@tinysweep/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../config/api.config.js';
import { trainerNode } from '../testing/trainer-node.js';
import { TryItService } from './try-it.service.js';

type Answer = (req: GenerateRequest__Output) => GenerateReply | { code: grpc.status; details: string } | 'hang';

const servers: grpc.Server[] = [];
const services: TryItService[] = [];
afterEach(() => {
  for (const s of services.splice(0)) s.onApplicationShutdown();
  for (const s of servers.splice(0)) s.forceShutdown();
});

/** A trainer whose Generate answers as told; `calls` records what it was asked. */
async function fakeTrainer(answer: Answer): Promise<{ address: string; calls: GenerateRequest__Output[] }> {
  const calls: GenerateRequest__Output[] = [];
  const server = new grpc.Server();
  server.addService(loadTrainerProto().tinysweep.trainer.v1.Trainer.service, {
    Describe: (_: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, {}),
    Train: (call: grpc.ServerWritableStream<unknown, unknown>) => call.end(),
    Generate: (call: grpc.ServerUnaryCall<GenerateRequest__Output, GenerateReply>, cb: grpc.sendUnaryData<GenerateReply>) => {
      calls.push(call.request);
      const a = answer(call.request);
      if (a === 'hang') return;
      if ('code' in a) cb(a);
      else cb(null, a);
    },
  });
  servers.push(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { address: `127.0.0.1:${port}`, calls };
}

const echo: Answer = (req) => ({
  completions: req.prompts.map((prompt) => ({ prompt, base: ' Lily.', adapted: ' Tom.' })),
  maxNewTokens: req.maxNewTokens || 16,
  nodeId: 'ignored-by-test',
  seconds: 0.5,
  generateSeconds: 0.25,
  modelCacheHit: true,
  sessionCacheHit: false,
});

const node = (id: string, address: string, over: Partial<TrainerNodeStatus> = {}): TrainerNodeStatus => trainerNode(id, { address, ...over });

const TRIAL_ID = '00000000-0000-4000-8000-000000000001';
const ADAPTER = { format: 'tinysweep.tinylora/1', v: [0.5] };

function trialDetail(over: Partial<TrialDetail> = {}): TrialDetail {
  return {
    id: TRIAL_ID,
    sweepId: 'sweep-1',
    ordinal: 1,
    status: 'succeeded',
    params: { model: { path: 'm.bin' }, seed: 1 },
    seed: 1,
    configHash: 'c',
    groupHash: 'g',
    attempts: 1,
    trainerId: null,
    metrics: {},
    trainableParams: 1,
    effectiveParams: 1,
    error: null,
    queuedAt: new Date(),
    startedAt: null,
    finishedAt: null,
    adapter: ADAPTER,
    logTail: null,
    curve: [],
    attemptHistory: [],
    ...over,
  };
}

function service(o: { nodes: TrainerNodeStatus[]; trial?: TrialDetail | null; backend?: string; env?: Record<string, string> }): TryItService {
  const config = loadApiConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db', TINYSWEEP_ALLOW_PLAINTEXT: '1', TINYSWEEP_TRY_TIMEOUT_MS: '1000', ...o.env });
  const trials = { detail: (id: string) => Promise.resolve(o.trial === undefined ? trialDetail() : o.trial && o.trial.id === id ? o.trial : null) };
  const sweeps = { spec: () => Promise.resolve({ backend: { kind: o.backend ?? 'tinylora' } }) };
  const fleet = { nodes: () => Promise.resolve(o.nodes) };
  const s = new TryItService(config, trials as unknown as TrialRepository, sweeps as unknown as SweepRepository, fleet as unknown as TrainerFleet);
  services.push(s);
  return s;
}

/** The HTTP status and body a call ends with. */
async function outcome(p: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    return { status: 200, body: await p };
  } catch (err) {
    const e = err as HttpException;
    if (typeof e.getStatus !== 'function') throw err;
    return { status: e.getStatus(), body: e.getResponse() };
  }
}

const message = (body: unknown) => (body as { message: string }).message;

describe('TryItService', () => {
  it('asks the node that trained the trial first, sends the stored params and adapter, and answers both completions with timing', async () => {
    const a = await fakeTrainer(echo);
    const b = await fakeTrainer(echo);
    const s = service({ nodes: [node('a', a.address), node('b', b.address, { busy: 2 })], trial: trialDetail({ trainerId: 'b' }) });
    const r = await s.tryIt(TRIAL_ID, { prompts: ['Once upon a time', 'One day'], maxNewTokens: 8 });
    expect(a.calls).toHaveLength(0);
    expect(b.calls).toHaveLength(1);
    expect(b.calls[0]).toMatchObject({ backend: 'tinylora', prompts: ['Once upon a time', 'One day'], maxNewTokens: 8 });
    expect(JSON.parse(b.calls[0]!.paramsJson)).toEqual({ model: { path: 'm.bin' }, seed: 1 });
    expect(JSON.parse(b.calls[0]!.adapterJson)).toEqual(ADAPTER);
    expect(r).toMatchObject({
      trialId: TRIAL_ID,
      maxNewTokens: 8,
      completions: [
        { prompt: 'Once upon a time', base: ' Lily.', adapted: ' Tom.' },
        { prompt: 'One day', base: ' Lily.', adapted: ' Tom.' },
      ],
      node: { id: 'ignored-by-test', modelCacheHit: true, sessionCacheHit: false },
      timing: { trainerSeconds: 0.5, generateSeconds: 0.25 },
    });
    expect(r.timing.seconds).toBeGreaterThan(0);
  });

  it('moves on past a node that is down or busy, and says 503 naming each when none can', async () => {
    const busy = await fakeTrainer(() => ({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'already generating' }));
    const good = await fakeTrainer(echo);
    const down = node('down', '127.0.0.1:1');
    const ok = await outcome(service({ nodes: [down, node('busy', busy.address), node('good', good.address, { busy: 2 })] }).tryIt(TRIAL_ID, { prompt: 'x' }));
    expect(ok.status).toBe(200);
    expect(good.calls).toHaveLength(1);
    const none = await outcome(service({ nodes: [down, node('busy', busy.address)] }).tryIt(TRIAL_ID, { prompt: 'x' }));
    expect(none.status).toBe(503);
    expect(message(none.body)).toMatch(/^no live trainer could generate for trial .*: busy: already generating; down: .*ECONNREFUSED/);
    const empty = await outcome(service({ nodes: [node('cmd', good.address, { backends: ['command'] })] }).tryIt(TRIAL_ID, { prompt: 'x' }));
    expect(empty).toMatchObject({ status: 503, body: { message: expect.stringMatching(/no live trainer offers the tinylora backend/) } });
  });

  it("turns the trainer's INVALID_ARGUMENT on a prompt into a 400 naming the body's field, on the stored trial into a 409", async () => {
    const tooLong = await fakeTrainer(() => ({ code: grpc.status.INVALID_ARGUMENT, details: "prompts[0]: 600 tokens exceed the model's context of 512" }));
    const single = await outcome(service({ nodes: [node('a', tooLong.address)] }).tryIt(TRIAL_ID, { prompt: 'long' }));
    expect(single).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: "prompt: 600 tokens exceed the model's context of 512", issues: [{ path: 'prompt', message: "600 tokens exceed the model's context of 512" }] },
    });
    const listed = await outcome(service({ nodes: [node('a', tooLong.address)] }).tryIt(TRIAL_ID, { prompts: ['long'] }));
    expect((listed.body as { issues: unknown[] }).issues).toEqual([{ path: 'prompts[0]', message: "600 tokens exceed the model's context of 512" }]);
    const stored = await fakeTrainer(() => ({ code: grpc.status.INVALID_ARGUMENT, details: 'params.seed: must be at least 0' }));
    const conflict = await outcome(service({ nodes: [node('a', stored.address)] }).tryIt(TRIAL_ID, { prompt: 'x' }));
    expect(conflict.status).toBe(409);
    expect(message(conflict.body)).toMatch(/cannot be tried as stored: params\.seed: must be at least 0/);
  });

  it('gives up on a trainer past the deadline with 504, and on one that failed with 502', async () => {
    const slow = await fakeTrainer(() => 'hang');
    const timedOut = await outcome(service({ nodes: [node('slow', slow.address)] }).tryIt(TRIAL_ID, { prompt: 'x' }));
    expect(timedOut.status).toBe(504);
    expect(message(timedOut.body)).toMatch(/trainer slow did not answer within 1000 ms/);
    const broken = await fakeTrainer(() => ({ code: grpc.status.INTERNAL, details: 'generate failed: out of memory' }));
    const failed = await outcome(service({ nodes: [node('broken', broken.address)] }).tryIt(TRIAL_ID, { prompt: 'x' }));
    expect(failed.status).toBe(502);
  });

  it('answers 400, 404, 409 and 503 before calling any trainer', async () => {
    const t = await fakeTrainer(echo);
    const nodes = [node('a', t.address)];
    const bad = await outcome(service({ nodes }).tryIt(TRIAL_ID, { prompts: ['ok', ''] }));
    expect(bad).toMatchObject({ status: 400, body: { message: 'prompts[1]: must not be empty', issues: [{ path: 'prompts[1]', message: 'must not be empty' }] } });
    expect((await outcome(service({ nodes, trial: null }).tryIt(TRIAL_ID, { prompt: 'x' }))).status).toBe(404);
    const command = await outcome(service({ nodes, backend: 'command' }).tryIt(TRIAL_ID, { prompt: 'x' }));
    expect(command.status).toBe(409);
    expect(message(command.body)).toMatch(/ran on the command backend; Try it needs a tinylora trial/);
    const running = await outcome(service({ nodes, trial: trialDetail({ status: 'running', adapter: null }) }).tryIt(TRIAL_ID, { prompt: 'x' }));
    expect(running.status).toBe(409);
    expect(message(running.body)).toMatch(/is running; Try it needs a succeeded trial/);
    const noAdapter = await outcome(service({ nodes, trial: trialDetail({ adapter: null }) }).tryIt(TRIAL_ID, { prompt: 'x' }));
    expect(message(noAdapter.body)).toMatch(/has no adapter/);
    const noTls = await outcome(service({ nodes, env: { TINYSWEEP_ALLOW_PLAINTEXT: '0' } }).tryIt(TRIAL_ID, { prompt: 'x' }));
    expect(noTls.status).toBe(503);
    expect(message(noTls.body)).toMatch(/Try it cannot reach trainers: no TLS configured for gRPC: set TINYSWEEP_TLS_CA/);
    expect(t.calls).toHaveLength(0);
  });
});
