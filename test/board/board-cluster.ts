/**
 * What the board's tests need around test/e2e's Cluster: the board built, Chromium installed, a
 * sweep of test/board/fixtures/adapter-program.mjs, and requests that carry the API token. Besides
 * `token` (role admin) the cluster has a read-only token, `readToken`, to look with.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Cluster, type ClusterOptions } from '../e2e/cluster.js';
import { buildBoard } from '../../apps/board/build.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOT = fileURLToPath(new URL('../../docs/board.png', import.meta.url));

/** Builds apps/board when its sources changed (a no-op when scripts/setup.mjs already did). */
export async function ensureBoardBuilt(): Promise<void> {
  await buildBoard({ log: (m) => console.log(m) });
  if (!existsSync(fileURLToPath(new URL('../../apps/board/dist/site/index.html', import.meta.url)))) throw new Error('apps/board did not build');
}

export class BoardCluster {
  private constructor(
    readonly cluster: Cluster,
    readonly token: string | undefined,
  ) {}

  static async start(opts: ClusterOptions & { token?: string } = {}): Promise<BoardCluster> {
    const env = { ...(opts.env ?? {}), ...(opts.token ? { TINYSWEEP_API_TOKEN: opts.token } : {}) };
    return new BoardCluster(await Cluster.start({ ...opts, env, tokens: { viewer: 'read', ...opts.tokens } }), opts.token);
  }

  get url(): string {
    return this.cluster.urls.apiUrl;
  }

  /** A token that may read and nothing else. */
  get readToken(): string {
    return this.cluster.tokens.viewer!;
  }

  /** A request with the token (when the cluster has one). */
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    return this.cluster.request(method, path, body, this.token ? { authorization: `Bearer ${this.token}` } : {});
  }

  async submit(spec: unknown): Promise<string> {
    const r = await this.request('POST', '/sweeps', spec);
    if (r.status !== 201) throw new Error(`submit → ${r.status}: ${JSON.stringify(r.body)}`);
    return (r.body as { id: string }).id;
  }

  stop(): Promise<void> {
    return this.cluster.stop();
  }
}

/** A sweep of the adapter program: xs × us × prune thresholds × seeds. */
export function adapterSpec(name: string, o: { xs?: number[]; us?: number[]; thresholds?: number[]; seeds?: number[]; steps?: number; stepMs?: number } = {}) {
  return {
    name,
    backend: { kind: 'command', command: ['node', 'test/board/fixtures/adapter-program.mjs'] },
    params: { x: o.xs ?? [1, 2, 3], u: o.us ?? [1, 13], steps: o.steps ?? 6, stepMs: o.stepMs ?? 150 },
    prune: { threshold: o.thresholds ?? [0, 0.3] },
    seeds: o.seeds ?? [1, 2],
    objective: { metric: 'score', mode: 'max' },
    budget: { maxTrials: 1000, trialTimeout: '2m', retries: 1 },
  };
}
