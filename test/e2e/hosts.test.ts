import { join } from 'node:path';
import { REPO_ROOT, tlsEnv } from '@tinysweep/stack';
import { writeDevPki } from '@tinysweep/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canMakeHosts, NetHost } from '../support/net-host.js';
import { Cluster, FAST_RECOVERY, slowSpec } from './cluster.js';

const TRAINER = join(REPO_ROOT, 'apps', 'trainer', 'dist', 'main.js');

/**
 * Trainers on their own hosts (network namespaces with their own addresses), the control plane
 * here; mutual TLS between dispatcher and trainers, as a real multi-host deployment runs.
 */
describe.skipIf(!canMakeHosts())('trainers on separate hosts survive partitions', () => {
  let c: Cluster;
  let h1: NetHost;
  let h2: NetHost;

  beforeAll(async () => {
    h1 = NetHost.create('h1', 1);
    h2 = NetHost.create('h2', 2);
    c = await Cluster.start({ trainers: 0, tlsHosts: [h1.address, h2.address], env: { TINYSWEEP_API_HOST: '0.0.0.0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' } });
  });
  afterAll(async () => {
    await c?.stop();
    h1?.destroy();
    h2?.destroy();
  });

  async function startRemoteTrainer(name: string, host: NetHost, tls: Record<string, string> = tlsEnv(c.urls, 'trainer')): Promise<void> {
    const { command, args } = host.exec(process.execPath, TRAINER);
    await c.group.spawn(name, {
      command,
      args,
      env: {
        ...FAST_RECOVERY,
        ...c.trainerEnv(),
        ...tls,
        TINYSWEEP_API_URL: `http://${host.gateway}:${c.urls.apiPort}`,
        TINYSWEEP_TRAINER_HOST: host.address,
        TINYSWEEP_TRAINER_PORT: '50051',
        TINYSWEEP_TRAINER_ID: name,
        TINYSWEEP_TRAINER_SLOTS: '1',
        TINYSWEEP_WORKDIR: REPO_ROOT,
        TINYSWEEP_LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      },
      ready: { line: /trainer listening/, timeoutMs: 30_000 },
    });
  }

  const nodes = () => c.get<{ items: { id: string; alive: boolean; address: string }[] }>('/nodes').then((r) => r.items);

  it('a trainer cut off mid-trial: the trial is re-leased on the other host after the timeout and stored once; healed, the node rejoins', async () => {
    await startRemoteTrainer('remote-1', h1);
    await startRemoteTrainer('remote-2', h2);
    await c.waitFor(async () => (await nodes()).filter((n) => n.alive).length === 2, 15_000, 'both remote trainers registered');
    expect((await nodes()).map((n) => n.address).sort()).toEqual([`${h1.address}:50051`, `${h2.address}:50051`].sort());

    const id = await c.submit(slowSpec('partition', { xs: [1, 2], steps: 30, stepMs: 100 }));
    await c.waitFor(async () => (await c.query(`SELECT 1 FROM trial WHERE sweep_id = $1 AND status = 'running' AND trainer_id = 'remote-1'`, id)).length > 0, 20_000, 'a trial on remote-1');
    const [victim] = await c.query<{ id: string }>(`SELECT id FROM trial WHERE sweep_id = $1 AND trainer_id = 'remote-1'`, id);
    h1.down();
    await c.waitFor(async () => !(await nodes()).find((n) => n.id === 'remote-1')?.alive, 15_000, 'remote-1 to leave the pool');

    const done = await c.waitForSweep(id, 120_000);
    expect(done.counts).toMatchObject({ succeeded: 2, failed: 0 });
    const attempts = await c.query<{ trainer_id: string; outcome: string }>(`SELECT trainer_id, outcome FROM trial_attempt WHERE trial_id = $1 ORDER BY attempt`, victim!.id);
    // lost (charged to the trial) when the cut came after the trainer answered the call; interrupted
    // (not charged) when it came before — then nothing is known to have run there
    expect(attempts[0]).toMatchObject({ trainer_id: 'remote-1' });
    expect(['lost', 'interrupted']).toContain(attempts[0]!.outcome);
    expect(attempts.filter((a) => a.outcome === 'succeeded')).toEqual([{ trainer_id: 'remote-2', outcome: 'succeeded' }]);

    h1.up();
    await c.waitFor(async () => (await nodes()).find((n) => n.id === 'remote-1')?.alive === true, 20_000, 'remote-1 to rejoin');
    const again = await c.submit(slowSpec('after-heal', { xs: [3, 4, 5, 6], steps: 5, stepMs: 100 }));
    await c.waitForSweep(again, 60_000);
    const used = await c.query<{ trainer_id: string }>(`SELECT DISTINCT trainer_id FROM trial WHERE sweep_id = $1`, again);
    expect(used.map((u) => u.trainer_id).sort()).toEqual(['remote-1', 'remote-2']);
  }, 300_000); // the sum of its own deadlines: each wait above fails with what it waited for

  it('a trainer with a certificate from another CA is kept out of the pool, charged to no trial; a good one runs the trial', async () => {
    await c.group.stop('remote-1');
    await c.group.stop('remote-2');
    const rogue = await writeDevPki(join(c.dataDir, 'rogue-pki'), [h1.address]);
    await startRemoteTrainer('rogue', h1, { TINYSWEEP_TLS_CA: rogue.trainer.ca, TINYSWEEP_TLS_CERT: rogue.trainer.cert, TINYSWEEP_TLS_KEY: rogue.trainer.key });
    const id = await c.submit(slowSpec('rogue', { xs: [1], steps: 1, stepMs: 1, retries: 0 }));
    // The API hears its heartbeats, but the dispatcher's handshake fails: marked unreachable, and heartbeats do not clear that.
    await c.waitFor(async () => (await c.query(`SELECT 1 FROM trial_attempt a JOIN trial t ON t.id = a.trial_id WHERE t.sweep_id = $1 AND a.trainer_id = 'rogue'`, id)).length > 0, 30_000, 'an attempt on the rogue trainer');
    await c.waitFor(async () => (await nodes()).find((n) => n.id === 'rogue')?.alive === false, 15_000, 'the rogue trainer out of the pool');
    const [tried] = await c.query<{ outcome: string; error: string }>(
      `SELECT a.outcome, a.error FROM trial_attempt a JOIN trial t ON t.id = a.trial_id WHERE t.sweep_id = $1 AND a.trainer_id = 'rogue' AND a.finished_at IS NOT NULL`,
      id,
    );
    expect(tried).toMatchObject({ outcome: 'interrupted' });
    expect(tried!.error).toMatch(/certificate|handshake|SSL|TLS|self.signed/i);
    expect((await c.sweep(id)).counts).toMatchObject({ failed: 0, succeeded: 0 }); // no retries, yet not failed
    expect((await nodes()).find((n) => n.id === 'rogue')?.alive).toBe(false); // still out, heartbeating or not

    await startRemoteTrainer('remote-2', h2);
    const done = await c.waitForSweep(id, 60_000);
    expect(done.counts).toMatchObject({ succeeded: 1, failed: 0 });
    const attempts = await c.query<{ trainer_id: string; outcome: string }>(`SELECT a.trainer_id, a.outcome FROM trial_attempt a JOIN trial t ON t.id = a.trial_id WHERE t.sweep_id = $1 ORDER BY a.attempt`, id);
    expect(attempts.filter((a) => a.trainer_id === 'rogue').every((a) => a.outcome === 'interrupted')).toBe(true);
    expect(attempts.at(-1)).toEqual({ trainer_id: 'remote-2', outcome: 'succeeded' });
  }, 180_000);
});
