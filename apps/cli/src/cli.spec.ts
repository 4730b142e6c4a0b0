/**
 * End-to-end tests of the `tinysweep` program: runCli with captured streams against FakeApi, a real HTTP
 * server speaking the API contract.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigPage, TrainerNode } from '@tinysweep/api-types';
import { runCli } from './cli.js';
import { watchSweep } from './commands/watch.js';
import { createContext } from './context.js';
import { captureIo, type CapturedIo } from './testing/capture.js';
import { FakeApi } from './testing/fake-api.js';

let fake: FakeApi;
let dir: string;
let io: CapturedIo;

beforeEach(async () => {
  fake = await new FakeApi().start();
  dir = await mkdtemp(join(tmpdir(), `tinysweep-cli-${process.pid}-`));
  io = captureIo();
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; signals?: EventEmitter } = {}): Promise<number> {
  return runCli(['node', 'tinysweep', ...args], { io, env: { TINYSWEEP_API_URL: fake.url, ...opts.env }, signals: opts.signals });
}

async function specFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Runs trials of a sweep to completion, one every few milliseconds, once the watcher has subscribed. */
async function drive(sweepId: string, outcomes: ('succeeded' | 'failed')[], opts: { waitForStream?: boolean } = {}): Promise<void> {
  if (opts.waitForStream ?? true) await expect.poll(() => fake.subscriberCount(sweepId), { timeout: 5000 }).toBe(1);
  for (const [i, outcome] of outcomes.entries()) {
    fake.setTrial(sweepId, i, 'running');
    await new Promise((r) => setTimeout(r, 5));
    fake.setTrial(sweepId, i, outcome, outcome === 'succeeded' ? { score: (i + 1) / 10 } : undefined);
  }
}

const SPEC = 'name: tiny-rank\nadapter:\n  rank: [1, 2]\nseeds: [1, 2]\n';

describe('tinysweep submit', () => {
  it('posts the file and prints the sweep id, name and trial count', async () => {
    const path = await specFile('sweep.yaml', SPEC);
    const code = await cli(['submit', path], { env: { TINYSWEEP_API_TOKEN: 'tok' } });
    expect(code).toBe(0);
    const [sweep] = [...fake.sweeps.values()];
    expect(io.stdout.text).toBe(
      [
        'submitted sweep tiny-rank',
        `  id      ${sweep!.id}`,
        '  trials  4',
        '  status  queued',
        `follow it with: tinysweep watch ${sweep!.id}`,
        '',
      ].join('\n'),
    );
    const req = fake.requests[0]!;
    expect(req.headers['content-type']).toBe('application/yaml');
    expect(req.headers.authorization).toBe('Bearer tok');
    expect(req.body).toBe(SPEC);
  });

  it('sends .json files as JSON, and prints only the id with --quiet or the response with --json', async () => {
    const path = await specFile('sweep.json', JSON.stringify({ name: 'j', adapter: { rank: [2] } }));
    expect(await cli(['submit', path, '--quiet'])).toBe(0);
    expect(fake.requests[0]!.headers['content-type']).toBe('application/json');
    const id = [...fake.sweeps.keys()][0]!;
    expect(io.stdout.text).toBe(`${id}\n`);

    io = captureIo();
    expect(await cli(['--json', 'submit', path])).toBe(0);
    expect(JSON.parse(io.stdout.text)).toMatchObject({ name: 'j', trialCount: 1, status: 'queued', duplicatesCollapsed: 0 });
  });

  it('reads the spec from stdin with -', async () => {
    io = captureIo({ stdin: SPEC });
    expect(await cli(['submit', '-', '-q'])).toBe(0);
    expect(fake.requests[0]!.body).toBe(SPEC);
    expect(fake.requests[0]!.headers['content-type']).toBe('application/yaml');
  });

  it('prints each invalid field with its reason and exits 2', async () => {
    const path = await specFile('bad.yaml', 'adapter:\n  rank: [1, -2, 0]\n');
    expect(await cli(['submit', path])).toBe(2);
    expect(io.stderr.text).toBe(
      [
        'error: invalid sweep spec (HTTP 400)',
        '  name: required',
        '  adapter.rank[1]: must be a positive integer',
        '  adapter.rank[2]: must be a positive integer',
        '',
      ].join('\n'),
    );
    expect(io.stdout.text).toBe('');
  });

  it('reports YAML syntax errors with line and column before sending anything', async () => {
    const path = await specFile('broken.yaml', 'name: x\nadapter:\n  rank: [1, 2\n');
    expect(await cli(['submit', path])).toBe(2);
    expect(io.stderr.text).toMatch(new RegExp(`^error: invalid YAML\\n  ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects a missing file, an empty spec and a non-object spec with exit 2', async () => {
    expect(await cli(['submit', join(dir, 'nope.yaml')])).toBe(2);
    expect(io.stderr.text).toContain('spec file not found');
    expect(await cli(['submit', await specFile('empty.yaml', '  \n')])).toBe(2);
    expect(io.stderr.text).toContain('the spec is empty');
    expect(await cli(['submit', await specFile('list.json', '[1]')])).toBe(2);
    expect(io.stderr.text).toContain('a sweep spec must be a JSON object');
    expect(fake.requests).toHaveLength(0);
  });

  it('maps 413 to exit 2 and 401 to exit 1 with a hint', async () => {
    await fake.close();
    fake = await new FakeApi({ maxBody: 10, token: 't' }).start();
    const path = await specFile('sweep.yaml', SPEC);
    expect(await cli(['submit', path])).toBe(1);
    expect(io.stderr.text).toBe('error: a bearer token is required (HTTP 401)\n  hint: pass --token, or set TINYSWEEP_API_TOKEN or TINYSWEEP_API_TOKEN_FILE (a local \'tinysweep up\' writes .data/api-token)\n');
    io = captureIo();
    expect(await cli(['--token', 't', 'submit', path])).toBe(2);
    expect(io.stderr.text).toBe('error: request entity too large (HTTP 413)\n');
  });

  it('keeps watching with --watch until the sweep completes', async () => {
    const path = await specFile('sweep.yaml', 'name: w\nadapter:\n  rank: [1, 2]\n');
    const run = cli(['submit', path, '--watch']);
    await expect.poll(() => fake.sweeps.size).toBe(1);
    const id = [...fake.sweeps.keys()][0]!;
    await drive(id, ['succeeded', 'succeeded']);
    expect(await run).toBe(0);
    expect(io.stdout.text).toContain('submitted sweep w');
    expect(io.stdout.text).not.toContain('follow it with');
    expect(io.stdout.text).toContain(`watching sweep w (${id})`);
    expect(io.stdout.text.trimEnd().split('\n').at(-1)).toMatch(/^sweep w completed in \d+(ms|s) · 2 succeeded · 0 failed · best score=0\.2 \([0-9a-f]{8}\)$/);
  });
});

describe('tinysweep watch', () => {
  it('follows the event stream and exits 0 when the sweep completes', async () => {
    const sweep = fake.addSweep({ name: 'live', n: 3, params: (i) => ({ adapter: { rank: 2 ** i }, lr: 0.05 }) });
    const run = cli(['watch', sweep.id]);
    await drive(sweep.id, ['succeeded', 'succeeded', 'succeeded']);
    expect(await run).toBe(0);
    const out = io.stdout.text;
    expect(out.split('\n')[0]).toBe(`watching sweep live (${sweep.id}) · 3 trials · metric score (max)`);
    expect(out).toContain('completed 3/3 done · 3 succeeded · 0 failed · 0 running · 0 queued · best score=0.3');
    expect(out).toContain('top 3 by score:');
    expect(out).toMatch(/│ 1 │ [0-9a-f]{8} │ succeeded │ +3 │ adapter\.rank=4 │ +0\.3 │ +13 │ +9 │/);
    expect(out).not.toContain('lr=');
    // Plain output: no cursor movement, no progress-bar glyphs.
    expect(out).not.toContain('\x1b[');
    expect(fake.requests.some((r) => r.url === `/sweeps/${sweep.id}/events`)).toBe(true);
    // With the stream live there is no once-a-second polling.
    expect(fake.requests.filter((r) => r.url === `/sweeps/${sweep.id}`).length).toBeLessThan(6);
  });

  it('exits 1 when the sweep fails', async () => {
    const sweep = fake.addSweep({ n: 2 });
    const run = cli(['watch', sweep.id]);
    await drive(sweep.id, ['failed', 'failed']);
    expect(await run).toBe(1);
    expect(io.stdout.text.trimEnd().split('\n').at(-1)).toMatch(/ failed in .* · 0 succeeded · 2 failed$/);
  });

  it('exits 1 when the sweep is cancelled', async () => {
    const sweep = fake.addSweep({ n: 3 });
    const run = cli(['watch', sweep.id]);
    await drive(sweep.id, ['succeeded']);
    fake.recompute(sweep.id, 'cancelled');
    expect(await run).toBe(1);
    expect(io.stdout.text).toContain('cancelled');
  });

  it('returns at once for a sweep that already ended', async () => {
    const sweep = fake.addSweep({ n: 1 });
    fake.setTrial(sweep.id, 0, 'succeeded', { score: 1 });
    expect(await cli(['watch', sweep.id])).toBe(0);
    expect(fake.requests.some((r) => r.url.endsWith('/events'))).toBe(false);
    expect(io.stdout.text).toContain('sweep ');
  });

  it('falls back to polling when the event stream is unavailable', async () => {
    await fake.close();
    fake = await new FakeApi({ events: false }).start();
    const sweep = fake.addSweep({ n: 2 });
    const ctx = createContext({ api: fake.url }, io, {});
    const run = watchSweep(ctx, sweep.id, { pollMs: 20 });
    await expect.poll(() => fake.requests.some((r) => r.url.endsWith('/events'))).toBe(true);
    await drive(sweep.id, ['succeeded', 'failed'], { waitForStream: false });
    expect(await run).toBe(0);
    const polls = fake.requests.filter((r) => r.url === `/sweeps/${sweep.id}`).length;
    expect(polls).toBeGreaterThan(1);
    expect(io.stdout.text).toContain('completed 2/2 done · 1 succeeded · 1 failed');
  });

  it('falls back to polling when the stream breaks mid-sweep', async () => {
    const sweep = fake.addSweep({ n: 2 });
    const ctx = createContext({ api: fake.url }, io, {});
    const run = watchSweep(ctx, sweep.id, { pollMs: 20 });
    await expect.poll(() => fake.subscriberCount(sweep.id)).toBe(1);
    fake.closeStreams(sweep.id);
    await drive(sweep.id, ['succeeded', 'succeeded'], { waitForStream: false });
    expect(await run).toBe(0);
  });

  it('stops on Ctrl-C with exit 130 and leaves the sweep running', async () => {
    const sweep = fake.addSweep({ n: 2 });
    const signals = new EventEmitter();
    const run = cli(['watch', sweep.id], { signals });
    await expect.poll(() => fake.subscriberCount(sweep.id)).toBe(1);
    signals.emit('SIGINT');
    expect(await run).toBe(130);
    expect(io.stderr.text).toBe(`stopped watching sweep ${sweep.id}; it keeps running (tinysweep watch ${sweep.id} to resume)\n`);
    expect(signals.listenerCount('SIGINT')).toBe(0);
    await expect.poll(() => fake.subscriberCount(sweep.id)).toBe(0);
    expect(fake.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('prints only the final summary as JSON with --json', async () => {
    const sweep = fake.addSweep({ n: 1 });
    const run = cli(['--json', 'watch', sweep.id]);
    await drive(sweep.id, ['succeeded']);
    expect(await run).toBe(0);
    expect(JSON.parse(io.stdout.text)).toMatchObject({ id: sweep.id, status: 'completed', counts: { succeeded: 1 } });
  });

  it('exits 1 with the API message for an unknown sweep', async () => {
    expect(await cli(['watch', 'nope'])).toBe(1);
    expect(io.stderr.text).toBe('error: sweep not found (HTTP 404)\n');
  });
});

describe('tinysweep configs', () => {
  function withConfigs() {
    const sweep = fake.addSweep({ name: 'replicated', n: 0 });
    const item = (x: number, seeds: number[], summary: ConfigPage['items'][number]['summary'], failed = 0) => ({
      groupHash: `g${x}`,
      params: { x, task: 'arith' },
      label: `x=${x}`,
      config: { x: String(x) },
      seeds,
      trials: 3,
      failed,
      summary,
    });
    const page: ConfigPage = {
      metric: 'score',
      maximize: true,
      total: 3,
      withResult: 2,
      offset: 0,
      items: [
        item(2, [1, 2, 3], { mean: 22, std: 1, n: 3, min: 21, max: 23, ci95: [19.5159, 24.4841] }),
        item(1, [2], { mean: 11, std: null, n: 1, min: 11, max: 11, ci95: null }, 2),
        item(3, [], null, 3),
      ],
    };
    fake.configPages.set(sweep.id, page);
    return { sweep, page };
  }

  it('prints each config with its replicates summarised, best first (one seed: no std or CI)', async () => {
    const { sweep } = withConfigs();
    expect(await cli(['configs', sweep.id])).toBe(0);
    expect(new URL(fake.requests.at(-1)!.url, 'http://x').pathname).toBe(`/sweeps/${sweep.id}/configs`);
    const rows = io.stdout.text
      .trimEnd()
      .split('\n')
      .filter((l) => /^│ \d/.test(l))
      .map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
    expect(rows).toEqual([
      ['1', '2', '3', '22', '1', '[19.5159, 24.4841]', '0'],
      ['2', '1', '1', '11', '—', '—', '2'],
      ['3', '3', '0', '—', '—', '—', '3'],
    ]);
    expect(io.stdout.text).toMatch(/│ # │ x │ seeds │ score mean │ std over seeds │ +t 95% over seeds │ failed │/);
    expect(io.stdout.text).not.toMatch(/Wilson/); // not an accuracy: no pooled interval
  });

  it('shows an accuracy’s pooled Wilson interval over items and seeds beside the seed spread, and says which is which', async () => {
    const sweep = fake.addSweep({ name: 'accuracy', n: 0 });
    const summary = { mean: 0.69, std: 0.1414, n: 2, min: 0.59, max: 0.79, ci95: null, pooled: { hits: 138, items: 200, ci95: [0.6228, 0.75] as [number, number] } };
    fake.configPages.set(sweep.id, { metric: 'score', maximize: true, total: 1, withResult: 1, offset: 0, items: [{ groupHash: 'g', params: { x: 1 }, label: 'x=1', config: { x: '1' }, seeds: [1, 2], trials: 2, failed: 0, summary }] });
    expect(await cli(['configs', sweep.id])).toBe(0);
    expect(io.stdout.text).toMatch(/│ # │ seeds │ score mean │ pooled 95% \(Wilson\) │ items │ std over seeds │ t 95% over seeds │ failed │/);
    expect(io.stdout.text).toMatch(/│ 1 │ +2 │ +0\.69 │ +\[0\.6228, 0\.75\] │ +200 │ +0\.1414 │ +— │ +0 │/);
    expect(io.stdout.text).toMatch(/pooled 95% \(Wilson\): all hits over all held-out items of all seeds/);
  });

  it('prints the API answer as it is with --json', async () => {
    const { sweep, page } = withConfigs();
    expect(await cli(['--json', 'configs', sweep.id])).toBe(0);
    expect(JSON.parse(io.stdout.text)).toEqual(page);
  });

  it('says when the sweep does not exist', async () => {
    expect(await cli(['configs', '6a1640f0-37b9-457a-a6f4-5cffce290a27'])).not.toBe(0);
    expect(io.stderr.text).toMatch(/not found/);
  });
});

describe('tinysweep results', () => {
  function finishedSweep(n: number) {
    const sweep = fake.addSweep({ name: 'done', n, params: (i) => ({ adapter: { rank: 1 + (i % 3), modules: ['q', 'k'] }, task: 'gsm8k' }) });
    for (let i = 0; i < n; i++) fake.setTrial(sweep.id, i, i === 1 ? 'failed' : 'succeeded', i === 1 ? undefined : { score: ((i * 37) % 101) / 100 });
    return sweep;
  }

  it('prints a table of the best trials by the sweep metric', async () => {
    const sweep = finishedSweep(5);
    expect(await cli(['results', sweep.id])).toBe(0);
    const q = new URL(fake.requests.at(-1)!.url, 'http://x').searchParams;
    expect(Object.fromEntries(q)).toEqual({ offset: '0', limit: '20', sort: 'metrics.score', order: 'desc' });
    const lines = io.stdout.text.trimEnd().split('\n');
    expect(lines[0]).toBe(`sweep done (${sweep.id}) · completed · metric score (max)`);
    expect(lines[1]).toBe('5 of 5 trials, sorted by metrics.score desc');
    expect(lines[3]).toMatch(/│ # │ trial +│ status +│ seed │ params +│ score │ trainable │ effective │/);
    const scores = lines.slice(5, 10).map((l) => l.split('│')[6]!.trim());
    // score = (i·37 mod 101)/100 for i = 0, 2, 3, 4; trial 1 failed (no score, sorted last).
    expect(scores).toEqual(['0.74', '0.47', '0.1', '0', '']);
    expect(lines.at(-1)).toBe('same in every row: adapter.modules=["q","k"] task=gsm8k');
  });

  it('passes --sort, --order, --status and --limit through', async () => {
    const sweep = finishedSweep(4);
    expect(await cli(['results', sweep.id, '--sort', 'ordinal', '--order', 'desc', '--status', 'succeeded', '--limit', '2'])).toBe(0);
    const q = new URL(fake.requests.at(-1)!.url, 'http://x').searchParams;
    expect(Object.fromEntries(q)).toEqual({ offset: '0', limit: '2', sort: 'ordinal', order: 'desc', status: 'succeeded' });
    expect(io.stdout.text).toContain('2 of 3 trials, sorted by ordinal desc');
  });

  it('writes every trial as CSV, paging with offset/limit', async () => {
    const sweep = finishedSweep(230);
    expect(await cli(['results', sweep.id, '--format', 'csv'])).toBe(0);
    const pages = fake.requests.filter((r) => r.url.includes('/trials')).map((r) => new URL(r.url, 'http://x').searchParams.get('offset'));
    expect(pages).toEqual(['0', '100', '200']);
    const records = io.stdout.text.split('\r\n');
    expect(records).toHaveLength(232); // header + 230 + the empty string after the last CRLF
    expect(records[0]).toBe(
      'id,ordinal,status,seed,configHash,groupHash,attempts,trainerId,trainableParams,effectiveParams,queuedAt,startedAt,finishedAt,error,reusedFromTrialId,params.adapter.rank,params.adapter.modules,params.task,metrics.score',
    );
    expect(records[1]).toMatch(/,"\[""q"",""k""\]",gsm8k,1$/);
  });

  it('writes JSON with --format json or the global --json, and --all takes every trial', async () => {
    const sweep = finishedSweep(30);
    expect(await cli(['results', sweep.id, '--format', 'json', '--limit', '3'])).toBe(0);
    expect((JSON.parse(io.stdout.text) as unknown[]).length).toBe(3);
    io = captureIo();
    expect(await cli(['--json', 'results', sweep.id, '--all'])).toBe(0);
    const all = JSON.parse(io.stdout.text) as { id: string; metrics: unknown }[];
    expect(all).toHaveLength(30);
    expect(all[0]).toHaveProperty('metrics');
  });

  it('rejects bad flags with exit 2', async () => {
    const sweep = finishedSweep(2);
    expect(await cli(['results', sweep.id, '--sort', 'bogus'])).toBe(2);
    expect(io.stderr.text).toContain("unknown sort key 'bogus'");
    expect(await cli(['results', sweep.id, '--format', 'xml'])).toBe(2);
    expect(io.stderr.text).toContain("argument 'xml' is invalid");
    expect(await cli(['results', sweep.id, '--limit', '0'])).toBe(2);
    expect(await cli(['results', sweep.id, '--all', '--limit', '5'])).toBe(2);
    expect(await cli(['--json', 'results', sweep.id, '--format', 'csv'])).toBe(2);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('tinysweep nodes', () => {
  const node = (id: string, alive: boolean): TrainerNode => ({
    id,
    address: `${id}:50051`,
    device: 'cpu',
    slots: 2,
    running: 1,
    busy: 1,
    work: [{ kind: 'training', id: `${id}0000000-0000-4000-8000-000000000000`, sweepId: 's', sweepName: 'demo', trials: 2, step: 3, startedAt: null }],
    backends: ['tinylora'],
    models: [],
    version: '0.1.0',
    lastHeartbeatAt: Date.now(),
    heartbeatAgeMs: alive ? 900 : 95_000,
    alive,
  });

  it('prints a table of nodes and a total', async () => {
    const gpu = (index: number) => ({ index, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 });
    fake.nodes = [node('a', true), node('b', false), { ...node('g', true), device: 'torch:cuda', gpus: [gpu(0), gpu(1)] }];
    expect(await cli(['nodes'])).toBe(0);
    expect(io.stdout.text).toMatch(/│ a +│ a:50051 +│ cpu +│ - +│ +1\/2 │ training a0000000 \(2 trials, step 3\) │ tinylora +│ +900ms ago │ yes +│/);
    expect(io.stdout.text).toMatch(/│ b +│ b:50051 +│ cpu +│ - +│ +1\/2 │ training b0000000 \(2 trials, step 3\) │ tinylora +│ +1m35s ago │ no +│/);
    expect(io.stdout.text).toMatch(/│ g +│ g:50051 +│ torch:cuda +│ 2× NVIDIA H100 80GB HBM3 \(79\.6 GiB\) +│ +1\/2 │/);
    expect(io.stdout.text.trimEnd().split('\n').at(-1)).toBe('3 nodes · 2 alive · 2/4 slots busy on live nodes');
  });

  it('prints JSON with --json and says when there are none', async () => {
    fake.nodes = [node('a', true)];
    expect(await cli(['nodes', '--json'])).toBe(0);
    expect(JSON.parse(io.stdout.text)).toEqual(fake.nodes);
    fake.nodes = [];
    io = captureIo();
    expect(await cli(['nodes'])).toBe(0);
    expect(io.stdout.text).toContain('no trainer nodes registered');
  });
});

describe('global behaviour', () => {
  it('explains an unreachable API and exits 1', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await cli(['--api', url, 'nodes'])).toBe(1);
    expect(io.stderr.text).toBe(`error: cannot reach the tinysweep API at ${url} — is \`tinysweep up\` running? (ECONNREFUSED)\n`);
  });

  it('prefers --api over TINYSWEEP_API_URL and rejects a malformed URL with exit 2', async () => {
    expect(await cli(['nodes', '--api', fake.url], { env: { TINYSWEEP_API_URL: 'http://127.0.0.1:1' } })).toBe(0);
    expect(await cli(['nodes', '--api', 'nonsense'])).toBe(2);
    expect(io.stderr.text).toContain("invalid API URL 'nonsense' (from --api)");
  });

  it('exits 2 on unknown commands and options, 0 on --help and --version', async () => {
    expect(await cli(['frobnicate'])).toBe(2);
    expect(io.stderr.text).toContain("unknown command 'frobnicate'");
    expect(await cli(['nodes', '--frob'])).toBe(2);
    expect(await cli(['watch'])).toBe(2);
    expect(io.stderr.text).toContain("missing required argument 'sweepId'");
    io = captureIo();
    expect(await cli(['--help'])).toBe(0);
    for (const command of ['submit', 'watch', 'results', 'nodes', 'up']) expect(io.stdout.text).toContain(command);
    io = captureIo();
    expect(await cli(['--version'])).toBe(0);
    expect(io.stdout.text).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('checks `up` flags before starting anything', async () => {
    expect(await cli(['up', '--trainers', 'many'])).toBe(2);
    expect(io.stderr.text).toContain("option '--trainers <n>' argument 'many' is invalid");
    io = captureIo();
    expect(await cli(['up', '--help'])).toBe(0);
    for (const flag of ['--data-dir', '--api-port', '--trainers', '--no-dispatcher', '--follow-logs']) expect(io.stdout.text).toContain(flag);
  });
});
