import * as grpc from '@grpc/grpc-js';
import {
  createTrainerClient,
  loadTrainerProto,
  toTrainError,
  TRAINER_PROTOCOL,
  TrainingTimeoutError,
  type FingerprintReply__Output,
  type FingerprintRequest,
  type TrainerClient,
  type TrainEvent__Output,
  type TrainRequest,
} from '@tinysweep/proto';
import { TRIAL_CONTRACT } from '@tinysweep/trial';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendRegistry } from './backends/backend.js';
import { CommandBackend } from './backends/command/command-backend.js';
import { processAlive } from './backends/command/process-group.js';
import { waitFor } from './testing/recording-sink.js';
import { collect } from './testing/train-call.js';
import { TrainerServer } from './trainer-server.js';
import type { TrainerServerOptions } from './interfaces/trainer-server-options.js';

const FIXTURES = fileURLToPath(new URL('./backends/command/fixtures/', import.meta.url));
const NODE = process.execPath;
const CLIENT_SCRIPT = fileURLToPath(new URL('./testing/train-client.mjs', import.meta.url));

const servers: TrainerServer[] = [];
const clients: TrainerClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function startServer(opts: TrainerServerOptions = {}): Promise<{ server: TrainerServer; address: string }> {
  const backends = new BackendRegistry();
  backends.register(new CommandBackend({ programs: [NODE], workdir: FIXTURES, killGraceMs: 500 }));
  const server = new TrainerServer({ port: 0, backends, workdir: FIXTURES, ...opts });
  servers.push(server);
  const { address } = await server.start();
  return { server, address };
}

function client(address: string, token?: string): TrainerClient {
  const c = createTrainerClient(address, { token });
  clients.push(c);
  return c;
}

function commandRequest(command: string[] | string, params: Record<string, unknown> = {}, extra: Partial<TrainRequest> = {}): TrainRequest {
  return {
    trialId: `trial-${Math.random().toString(36).slice(2)}`,
    sweepId: 'sweep-1',
    attempt: 1,
    backend: 'command',
    paramsJson: JSON.stringify(params),
    backendJson: JSON.stringify({ kind: 'command', command }),
    ...extra,
  };
}

function fingerprintOf(c: TrainerClient, request: FingerprintRequest) {
  return new Promise<{ err: grpc.ServiceError | null; reply?: FingerprintReply__Output }>((resolve) => c.fingerprint(request, (err, reply) => resolve({ err, reply })));
}

const results = (events: TrainEvent__Output[]) => events.filter((e) => e.event === 'result').map((e) => e.result!);

function describeNode(c: TrainerClient, metadata = new grpc.Metadata()) {
  return new Promise<{ err: grpc.ServiceError | null; info?: unknown }>((resolve) =>
    c.describe({}, metadata, (err, info) => resolve({ err, info })),
  );
}

describe('TrainerServer', () => {
  it('describes the node', async () => {
    const { address, server } = await startServer({ slots: 2, device: 'cuda:0', models: ['models/demo'], nodeId: 'node-a', version: '9.9.9' });
    const { err, info } = await describeNode(client(address));
    expect(err).toBeNull();
    expect(info).toEqual({
      nodeId: 'node-a',
      address: `127.0.0.1:${server.port}`,
      device: 'cuda:0',
      slots: 2,
      backends: ['command'],
      models: ['models/demo'],
      version: '9.9.9',
      running: 0,
      protocol: TRAINER_PROTOCOL,
      contract: TRIAL_CONTRACT,
    });
  });

  it('streams progress and logs, then exactly one result, then OK', async () => {
    const { address } = await startServer();
    const { events, error } = await collect(client(address).train(commandRequest([NODE, 'metrics.mjs', '{steps}'], { steps: 4 })));
    expect(error).toBeUndefined();
    expect(events.at(-1)?.event).toBe('result');
    expect(results(events)).toHaveLength(1);
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.progress!);
    expect(progress.slice(0, 4).map((p) => p.step)).toEqual([10, 20, 30, 40]);
    expect(progress[3].metrics).toEqual({ loss: 0.25, acc: 1 });
    const logs = events.filter((e) => e.event === 'log').map((e) => e.log!);
    expect(logs).toContainEqual({ stream: 'stdout', line: 'starting training' });
    expect(logs).toContainEqual({ stream: 'stderr', line: 'a warning on stderr' });
    const [result] = results(events);
    expect(result).toMatchObject({ ok: true, failure: 'FAILURE_NONE', metrics: { accuracy: 0.75, loss: 0.1 }, trainableParams: 13, effectiveParams: 9 });
    expect(result.seconds).toBeGreaterThan(0);
    expect(JSON.parse(result.adapterJson)).toEqual({ v: [0.5, -0.25], seed: 7 });
  });

  it('passes the trial through placeholders and environment', async () => {
    const { address } = await startServer();
    const { events } = await collect(
      client(address).train(commandRequest([NODE, 'echo-env.mjs', '{adapter.rank}', '{seed}'], { adapter: { rank: 2 }, seed: 5 }, { trialId: 't-env', attempt: 3 })),
    );
    const lines = events.filter((e) => e.event === 'log' && e.log!.stream === 'stdout').map((e) => e.log!.line);
    expect(lines).toContain('ARGV ["2","5"]');
    const env = JSON.parse(lines.find((l) => l.startsWith('ENV '))!.slice(4)) as Record<string, string>;
    expect(env).toMatchObject({ TINYSWEEP_TRIAL_ID: 't-env', TINYSWEEP_ATTEMPT: '3', TINYSWEEP_SEED: '5' });
    expect(results(events)[0].ok).toBe(true);
  });

  it('keeps the stderr tail of a failing program', async () => {
    const { address } = await startServer();
    const { events, error } = await collect(client(address).train(commandRequest([NODE, 'fail.mjs'])));
    expect(error).toBeUndefined();
    const [result] = results(events);
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_EXIT', metrics: { loss: 2.5 } });
    expect(result.error).toMatch(/^exit code 3: [\s\S]*RuntimeError: CUDA out of memory$/);
    expect(toTrainError(result).name).toBe('TrainingFailedError');
  });

  it('answers an unknown backend and bad JSON with FAILURE_BAD_REQUEST results', async () => {
    const { address } = await startServer();
    const c = client(address);
    const unknown = await collect(c.train({ trialId: 't', backend: 'tinylora', paramsJson: '{}', backendJson: '{}' }));
    expect(unknown.error).toBeUndefined();
    expect(results(unknown.events)[0]).toMatchObject({ ok: false, failure: 'FAILURE_BAD_REQUEST', error: expect.stringContaining('unknown backend "tinylora"') });
    const badJson = await collect(c.train(commandRequest([NODE, '-e', '0'], {}, { paramsJson: '{nope' })));
    expect(results(badJson.events)[0]).toMatchObject({ ok: false, failure: 'FAILURE_BAD_REQUEST', error: expect.stringContaining('params_json') });
    const notFound = await collect(c.train(commandRequest(['tinysweep-no-such-program'])));
    expect(results(notFound.events)[0]).toMatchObject({ failure: 'FAILURE_BAD_REQUEST', error: expect.stringContaining('program "tinysweep-no-such-program" is not allowed on this trainer') });
  });

  it('refuses params that follow another trial contract, before the program starts, saying what to upgrade', async () => {
    const { address } = await startServer();
    const newer = await collect(client(address).train(commandRequest([NODE, '-e', 'process.exit(7)'], {}, { contract: TRIAL_CONTRACT + 1 })));
    expect(results(newer.events)[0]).toMatchObject({
      ok: false,
      failure: 'FAILURE_BAD_REQUEST',
      error: `trial contract mismatch: the params follow trial contract ${TRIAL_CONTRACT + 1}, this trainer reads contract ${TRIAL_CONTRACT}: upgrade the trainer`,
    });
  });

  it('times out a trial, kills it and says so', async () => {
    const { address } = await startServer();
    const { events } = await collect(client(address).train(commandRequest([NODE, 'hang.mjs'], {}, { timeoutMs: 400 })));
    const [result] = results(events);
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_TIMEOUT', error: 'trial timed out after 0.4 s' });
    expect(toTrainError(result)).toBeInstanceOf(TrainingTimeoutError);
    expect(await waitFor(() => !processAlive(result.metrics.pid), 3000)).toBe(true);
  });

  it('kills the program and its grandchild when the client cancels the call', async () => {
    const { address, server } = await startServer();
    const call = client(address).train(commandRequest([NODE, 'grandchild.mjs']));
    call.on('error', () => {}); // CANCELLED
    const pids = await new Promise<Record<string, number>>((resolve) =>
      call.on('data', (e: TrainEvent__Output) => {
        if (e.event === 'progress') resolve(e.progress!.metrics);
      }),
    );
    expect(processAlive(pids.child_pid) && processAlive(pids.grandchild_pid)).toBe(true);
    expect(server.running).toBe(1);
    call.cancel();
    expect(await waitFor(() => !processAlive(pids.child_pid) && !processAlive(pids.grandchild_pid), 5000)).toBe(true);
    expect(await waitFor(() => server.running === 0, 5000)).toBe(true);
  });

  it('kills the training when the client process dies mid-stream', async () => {
    const { address, server } = await startServer();
    const clientProcess = spawn(NODE, [CLIENT_SCRIPT, address, JSON.stringify(commandRequest([NODE, 'grandchild.mjs']))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pids = await new Promise<Record<string, number>>((resolve) => {
      let buffered = '';
      clientProcess.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        for (const line of buffered.split('\n').slice(0, -1)) {
          const event = JSON.parse(line) as TrainEvent__Output;
          if (event.event === 'progress') resolve(event.progress!.metrics);
        }
        buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      });
    });
    expect(processAlive(pids.grandchild_pid)).toBe(true);
    expect(server.running).toBe(1);
    clientProcess.kill('SIGKILL'); // no cancel sent: the connection just drops
    expect(await waitFor(() => !processAlive(pids.child_pid) && !processAlive(pids.grandchild_pid), 5000)).toBe(true);
    expect(await waitFor(() => server.running === 0, 5000)).toBe(true);
  });

  it('refuses a Train beyond its slots with RESOURCE_EXHAUSTED', async () => {
    const { address } = await startServer({ slots: 1 });
    const c = client(address);
    const first = c.train(commandRequest([NODE, 'hang.mjs']));
    first.on('error', () => {});
    await new Promise((resolve) => first.once('data', resolve));
    const second = await collect(c.train(commandRequest([NODE, '-e', '0'])));
    expect(second.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(second.events).toEqual([]);
    // an Evaluate takes a slot as well
    const evaluate = await collect(c.evaluate({ trialId: 't-eval', backend: 'command', paramsJson: '{}', backendJson: '{}', adapterJson: '{}' }));
    expect(evaluate.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    // a fingerprint runs nothing: it is answered while every slot is busy (the dispatcher asks before each trial)
    const { backend, paramsJson, backendJson } = commandRequest([NODE, '-e', '0']);
    const fp = await fingerprintOf(c, { trialId: 't-fp', sweepId: 'sweep-1', backend, paramsJson, backendJson });
    expect(fp.err).toBeNull();
    expect(fp.reply).toMatchObject({ error: '', fingerprint: { engine: expect.stringMatching(/^command\//), code_hash: expect.any(String) } });
    first.cancel();
  });

  it('requires the token when one is configured', async () => {
    const { address } = await startServer({ token: 's3cret' });
    const missing = await describeNode(client(address));
    expect(missing.err?.code).toBe(grpc.status.UNAUTHENTICATED);
    const wrong = await describeNode(client(address, 'wrong'));
    expect(wrong.err?.code).toBe(grpc.status.UNAUTHENTICATED);
    const right = await describeNode(client(address, 's3cret'));
    expect(right.err).toBeNull();

    const trainMissing = await collect(client(address).train(commandRequest([NODE, '-e', '0'])));
    expect(trainMissing.error?.code).toBe(grpc.status.UNAUTHENTICATED);
    const trainRight = await collect(client(address, 's3cret').train(commandRequest([NODE, '-e', '0'])));
    expect(trainRight.error).toBeUndefined();
    expect(results(trainRight.events)[0].ok).toBe(true);
  });

  it('cancels running trainings on stop and still sends their result, as interrupted (the dispatcher runs them again, uncharged)', async () => {
    const { address, server } = await startServer();
    const call = client(address).train(commandRequest([NODE, 'hang.mjs']));
    const outcome = collect(call);
    await new Promise((resolve) => call.once('data', resolve));
    await server.stop();
    const { events } = await outcome;
    const [result] = results(events);
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_INTERRUPTED', error: expect.stringContaining('shutting down') });
    expect(processAlive(result.metrics.pid)).toBe(false);
  });

  it('runs a shared training by its training id, and gives the program no trial id', async () => {
    const { address } = await startServer();
    const request: TrainRequest = { ...commandRequest([NODE, 'echo-env.mjs']), trialId: undefined, trainingId: 'training-7' };
    const { events } = await collect(client(address).train(request));
    const line = events.find((e) => e.event === 'log' && e.log!.line.startsWith('ENV '))!.log!.line;
    expect(JSON.parse(line.slice(4))).toMatchObject({ TINYSWEEP_TRIAL_ID: '', TINYSWEEP_TRAINING_ID: 'training-7' });
    expect(results(events)[0].ok).toBe(true);
  });

  it('answers Evaluate with a result, and a fingerprint it cannot give with an error', async () => {
    const { address } = await startServer();
    const c = client(address);
    const { backend, paramsJson, backendJson } = commandRequest([NODE, '-e', '0']);
    const evaluate = await collect(c.evaluate({ trialId: 't-eval', sweepId: 's', attempt: 1, backend, paramsJson, backendJson, adapterJson: '{}' }));
    expect(evaluate.error).toBeUndefined();
    expect(results(evaluate.events)[0]).toMatchObject({ ok: false, failure: 'FAILURE_BAD_REQUEST', error: expect.stringContaining('cannot evaluate') });
    const unknown = await fingerprintOf(c, { trialId: 't', backend: 'nope', paramsJson: '{}', backendJson: '{}' });
    expect(unknown.reply).toMatchObject({ fingerprint: {}, error: expect.stringContaining('unknown backend "nope"') });
  });

  it('refuses callers of another trainer protocol with UNAVAILABLE naming both versions, and still describes itself', async () => {
    const { address } = await startServer({ nodeId: 'node-new', version: '2.0.0' });
    // A test double of a protocol 1 dispatcher: a raw client that states no protocol.
    const { Trainer } = loadTrainerProto().tinysweep.trainer.v1;
    const old = new Trainer(address, grpc.credentials.createInsecure()) as TrainerClient;
    clients.push(old);
    const { err, info } = await describeNode(old);
    expect(err).toBeNull();
    expect(info).toMatchObject({ nodeId: 'node-new', protocol: TRAINER_PROTOCOL });
    const train = await collect(old.train(commandRequest([NODE, '-e', '0'])));
    expect(train.events).toEqual([]);
    expect(train.error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(train.error?.details).toBe(
      `trainer protocol mismatch: trainer node-new (version 2.0.0) speaks trainer protocol ${TRAINER_PROTOCOL}; the caller speaks protocol 1: upgrade the dispatcher`,
    );
    const fp = await fingerprintOf(old, { trialId: 't', backend: 'command', paramsJson: '{}', backendJson: '{}' });
    expect(fp.err?.code).toBe(grpc.status.UNAVAILABLE);
  });
});
