import { createTrainerClient, type TrainerClient } from '@tinysweep/proto';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { processAlive } from './backends/command/process-group.js';
import { RecordingApi } from './testing/recording-api.js';
import { waitFor } from './testing/recording-sink.js';
import { collect } from './testing/train-call.js';

// The real process: main.ts run from source (tsx), configured through the environment.
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./backends/command/fixtures/', import.meta.url));

interface Started {
  child: ChildProcessWithoutNullStreams;
  lines: Record<string, unknown>[];
  listening: Record<string, unknown>;
}

function startTrainer(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tinysweep/source', MAIN], {
    env: { ...process.env, TINYSWEEP_TRAINER_PORT: '0', TINYSWEEP_ALLOW_PLAINTEXT: '1', ...env },
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) {
        const line = JSON.parse(part) as Record<string, unknown>;
        lines.push(line);
        if (line.msg === 'trainer listening') resolve({ child, lines, listening: line });
      }
    });
    child.once('exit', (code) => reject(new Error(`trainer exited with ${code}: ${stderr}`)));
  });
}

const children: ChildProcessWithoutNullStreams[] = [];
const clients: TrainerClient[] = [];
const apis: RecordingApi[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(apis.splice(0).map((a) => a.stop()));
});

describe('trainer process (main.ts)', () => {
  it('refuses to serve plain text unless allowed, naming the TLS variables', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tinysweep/source', MAIN], {
      env: { ...process.env, TINYSWEEP_TRAINER_PORT: '0', TINYSWEEP_ALLOW_PLAINTEXT: '', TINYSWEEP_TLS_CA: '', TINYSWEEP_TLS_CERT: '', TINYSWEEP_TLS_KEY: '' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(stderr).toMatch(/TINYSWEEP_TLS_CA.*TINYSWEEP_ALLOW_PLAINTEXT=1/s);
  });

  it('starts from the environment, heartbeats, serves with a token, and on SIGTERM cancels and leaves', async () => {
    const api = new RecordingApi();
    apis.push(api);
    const apiUrl = await api.start();
    const { child, listening, lines } = await startTrainer({
      TINYSWEEP_TRAINER_ID: 'main-spec',
      TINYSWEEP_TRAINER_SLOTS: '2',
      TINYSWEEP_API_URL: apiUrl,
      TINYSWEEP_NODE_TOKEN: 'api-tok',
      TINYSWEEP_ALLOW_COMMAND: process.execPath,
      TINYSWEEP_TRAINER_TOKEN: 'grpc-tok',
      TINYSWEEP_HEARTBEAT_MS: '100',
      TINYSWEEP_WORKDIR: FIXTURES,
    });
    children.push(child);
    expect(listening).toMatchObject({ nodeId: 'main-spec', slots: 2, address: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    const address = listening.advertise as string;

    expect(await waitFor(() => api.beats().length >= 2)).toBe(true);
    expect(api.beats()[0]).toMatchObject({
      authorization: 'Bearer api-tok',
      body: { id: 'main-spec', address, device: 'cpu', slots: 2, running: 0, backends: ['command', 'tinylora'], models: [] },
    });

    const c = createTrainerClient(address, { token: 'grpc-tok' });
    clients.push(c);
    const call = c.train({ trialId: 't-main', backend: 'command', paramsJson: '{}', backendJson: JSON.stringify({ command: [process.execPath, 'hang.mjs'] }) });
    const outcome = collect(call);
    await new Promise((resolve) => call.once('data', resolve));
    expect(await waitFor(() => api.beats().some((b) => (b.body as { running: number }).running === 1))).toBe(true);

    child.kill('SIGTERM');
    const { events, error } = await outcome;
    expect(error).toBeUndefined();
    const result = events.find((e) => e.event === 'result')!.result!;
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_INTERRUPTED' }); // the dispatcher runs it again, uncharged
    expect(processAlive(result.metrics.pid)).toBe(false);
    const code = await new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
    expect(code).toBe(0);
    expect(api.requests.at(-1)).toMatchObject({ url: '/nodes/main-spec/leave', authorization: 'Bearer api-tok' });
    expect(lines.some((l) => l.msg === 'trainer stopped')).toBe(true);
  });
});
