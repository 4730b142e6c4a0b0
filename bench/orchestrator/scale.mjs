#!/usr/bin/env node
/**
 * `npm run bench:scale` — does one dispatcher keep 1,000 GPU slots busy, and where does it stop?
 *
 *   node scripts/setup.mjs && node bench/orchestrator/scale.mjs
 *
 * What runs, on one LocalStack (durable Postgres, local redis-server): the api, one dispatcher (then
 * two), and SCALE_PROCS processes of simulated trainers (bench/orchestrator/sim-trainers.mjs): real
 * TrainerServers behind real gRPC with mutual TLS, heartbeating as nodes, whose trials wait a set
 * time instead of training — SCALE_PROCS × SCALE_TRAINERS × SCALE_SLOTS slots (default 4 × 25 × 10
 * = 1,000). For each trial length in SCALE_TRIAL_MS (a fresh fleet each), one sweep of
 * SCALE_WAVES × slots trials:
 *
 *   busy        trials × trial length ÷ (slots × (last finish − first start)): the share of slot time
 *               spent training; 100% = every GPU always busy (the first and last waves' ramps count)
 *   held        the same with each attempt's started_at → finished_at: slot time held, training or
 *               waiting on the control plane (a gap between held and busy is dispatcher lag)
 *   needed      slots ÷ trial length: the trials/s the fleet finishes when every slot is busy
 *   got         trials ÷ (last finish − first start)
 *   gap p50/99  per slot, a trial's start − the previous trial's finish on the same trainer slot
 *               pool (approximated per trainer: start − the trainer's previous finish), ms
 *
 * The dispatcher's resident memory is read before the first sweep, at its peak while it runs
 * (polled), and a second after it finished: (peak − before) ÷ slots bounds its memory per slot in
 * flight from above (it includes the process warming up; V8 keeps its heap, so "after" ≈ peak). With SCALE_SECOND=1 (default) the shortest trial length runs again
 * with two dispatchers, to show whether a second one helps where one saturates.
 *
 * Environment: SCALE_PROCS (4), SCALE_TRAINERS (25 per process), SCALE_SLOTS (10 per trainer),
 * SCALE_TRIAL_MS ("20000,5000,2000,1000"), SCALE_WAVES (3), SCALE_SECOND (1).
 * The last line is JSON.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { LocalStack, ProcessGroup, securityEnv, stackEnv, startApi, startDispatcher, tlsEnv } from '@tinysweep/stack';

const PROCS = Number(process.env.SCALE_PROCS ?? 4);
const TRAINERS = Number(process.env.SCALE_TRAINERS ?? 25);
const SLOTS = Number(process.env.SCALE_SLOTS ?? 10);
const LENGTHS = (process.env.SCALE_TRIAL_MS ?? '20000,5000,2000,1000').split(',').map(Number);
const WAVES = Number(process.env.SCALE_WAVES ?? 3);
const SECOND = process.env.SCALE_SECOND !== '0';
const SIM = fileURLToPath(new URL('./sim-trainers.mjs', import.meta.url));
const log = (m) => process.stdout.write(`scale: ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const pct = (v, p) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN;
};
const rssMb = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

const slots = PROCS * TRAINERS * SLOTS;
const dir = mkdtempSync(join(tmpdir(), 'tinysweep-scale-'));
chmodSync(dir, 0o755);
const group = new ProcessGroup({ logDir: join(dir, 'logs'), graceMs: 5000 });
const stack = new LocalStack();
const results = [];
let memory;
let configs = 0;
const stopSignals = group.forwardSignals({ onShutdown: () => stack.stop(), log });
try {
  const urls = await stack.start({ dataDir: dir, durable: true, databaseUrl: '', redisUrl: '' });
  await startApi(group, { urls, env: { TINYSWEEP_MAX_TRIALS_PER_SWEEP: '1000000' } });
  const db = new pg.Client({ connectionString: urls.databaseUrl });
  await db.connect();
  const api = async (method, path, body) => {
    const res = await fetch(`${urls.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${urls.secrets.apiToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const waitFor = async (check, ms, what) => {
    const until = Date.now() + ms;
    while (!(await check().catch(() => false))) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  };

  const run = async (trialMs, dispatchers, tag) => {
    const sims = [];
    for (let p = 0; p < PROCS; p++) {
      sims.push(
        await group.spawn(`sim-${tag}-${p + 1}`, {
          script: SIM,
          env: {
            ...stackEnv(urls),
            ...tlsEnv(urls, 'trainer'),
            ...securityEnv(urls, 'trainer'),
            SIM_TRAINERS: String(TRAINERS),
            SIM_SLOTS: String(SLOTS),
            SIM_TRIAL_MS: String(trialMs),
            SIM_NAME: `sim-${tag}-${p + 1}`,
          },
          ready: { line: /sim trainers listening/, timeoutMs: 120_000 },
        }),
      );
    }
    await waitFor(async () => (await api('GET', '/nodes')).items.filter((n) => n.alive && n.id.startsWith(`sim-${tag}-`)).length === PROCS * TRAINERS, 60_000, 'the simulated nodes');
    const ds = [];
    // every node is alive before the dispatchers start, so their concurrency starts at the fleet's slots
    for (let d = 0; d < dispatchers; d++) ds.push(await startDispatcher(group, { urls, name: `dispatcher-${tag}-${d + 1}` }));
    await sleep(500);
    const idleMb = rssMb(ds[0].pid);
    const cpu0 = ds.map((d) => cpuMs(d.pid));
    const n = WAVES * slots;
    const t0 = Date.now();
    // configs no earlier run had: result reuse would link them to the earlier runs' results instead of running them
    const base = (configs += n) - n;
    const { id } = await api('POST', '/sweeps', { name: `scale-${tag}`, backend: { kind: 'command', command: ['true'] }, params: { i: Array.from({ length: n }, (_, i) => base + i) }, budget: { maxTrials: n } });
    let peakMb = idleMb;
    await waitFor(async () => {
      peakMb = Math.max(peakMb, rssMb(ds[0].pid));
      const s = await api('GET', `/sweeps/${id}`);
      if (s.status === 'failed' || s.status === 'cancelled') throw new Error(`sweep ${s.status}`);
      return s.status === 'completed';
    }, 600_000 + 2 * WAVES * trialMs, 'the sweep');
    await sleep(1000);
    const afterMb = rssMb(ds[0].pid);
    const cpu = ds.map((d, i) => cpuMs(d.pid) - cpu0[i]);
    const { rows } = await db.query(
      `SELECT trainer_id, extract(epoch FROM started_at) * 1000 AS s, extract(epoch FROM finished_at) * 1000 AS f FROM trial WHERE sweep_id = $1::uuid`,
      [id],
    );
    const starts = rows.map((r) => Number(r.s));
    const ends = rows.map((r) => Number(r.f));
    const first = Math.min(...starts);
    const last = Math.max(...ends);
    // training time (trials × their length) over slot time: what a GPU would have been busy for
    const busyShare = (rows.length * trialMs) / (slots * (last - first));
    // slot time held by an attempt (started_at → finished_at), training or waiting on the control plane
    const heldShare = rows.reduce((a, r) => a + (Number(r.f) - Number(r.s)), 0) / (slots * (last - first));
    // steady part: from when the first wave is done to when the last wave starts finishing
    const gaps = [];
    const byTrainer = new Map();
    for (const r of rows) byTrainer.set(r.trainer_id, [...(byTrainer.get(r.trainer_id) ?? []), r]);
    for (const list of byTrainer.values()) {
      const fin = list.map((r) => Number(r.f)).sort((a, b) => a - b);
      const st = list.map((r) => Number(r.s)).sort((a, b) => a - b).slice(SLOTS); // the first wave waited for nothing
      // each later start follows one finish on the same trainer: match them in order
      st.forEach((s, i) => gaps.push(s - fin[i]));
    }
    const r = {
      tag,
      trialMs,
      dispatchers,
      slots,
      trials: rows.length,
      neededPerS: slots / (trialMs / 1000),
      gotPerS: rows.length / ((last - first) / 1000),
      busyShare,
      heldShare,
      gapP50: pct(gaps, 50),
      gapP99: pct(gaps, 99),
      firstStartMs: first - t0,
      dispatcherCpuShare: cpu.map((c) => c / (Date.now() - t0)),
      dispatcherIdleMb: idleMb,
      dispatcherBusyMb: peakMb,
      dispatcherAfterMb: afterMb,
    };
    log(
      `${tag}: ${dispatchers} dispatcher(s), ${slots} slots, trials of ${trialMs} ms: busy ${fmt(100 * busyShare)}% (held ${fmt(100 * heldShare)}%), ` +
        `${fmt(r.gotPerS)} of ${fmt(r.neededPerS)} trials/s, slot gap p50 ${fmt(r.gapP50, 0)} ms p99 ${fmt(r.gapP99, 0)} ms, ` +
        `dispatcher CPU ${r.dispatcherCpuShare.map((c) => `${fmt(100 * c, 0)}%`).join(' + ')}, RSS ${fmt(idleMb, 0)} before, ${fmt(peakMb, 0)} peak, ${fmt(afterMb, 0)} MB after`,
    );
    for (let d = 0; d < dispatchers; d++) await group.stop(`dispatcher-${tag}-${d + 1}`);
    for (let p = 0; p < PROCS; p++) await group.stop(`sim-${tag}-${p + 1}`);
    // the nodes leave the pool on their way out; wait until the API agrees
    await waitFor(async () => (await api('GET', '/nodes')).items.filter((x) => x.alive).length === 0, 30_000, 'the nodes to leave');
    return r;
  };

  for (const [i, trialMs] of LENGTHS.entries()) {
    const r = await run(trialMs, 1, `l${trialMs}`);
    // peak (every slot busy) against before (started, nothing run yet): an upper bound per slot, as it
    // includes the process warming up (compiled code, pools); V8 keeps its heap after, so "after" ≈ peak
    if (i === 0) memory = { beforeMb: r.dispatcherIdleMb, peakMb: r.dispatcherBusyMb, afterMb: r.dispatcherAfterMb, perSlotKb: ((r.dispatcherBusyMb - r.dispatcherIdleMb) * 1024) / slots };
    results.push(r);
  }
  if (SECOND) {
    const shortest = Math.min(...LENGTHS);
    results.push(await run(shortest, 2, `l${shortest}x2`));
  }
  await db.end();
} finally {
  await group.stopAll().catch(() => undefined);
  await stack.stop().catch(() => undefined);
  stopSignals();
  rmSync(dir, { recursive: true, force: true });
}

console.log('');
console.log(`=== ${slots} simulated slots (${PROCS} processes × ${TRAINERS} trainers × ${SLOTS} slots), durable Postgres ===`);
console.log('trial ms  dispatchers  needed/s   got/s   busy   held   slot gap p50 / p99 ms   dispatcher CPU (of one core)');
for (const r of results) {
  console.log(
    `${String(r.trialMs).padStart(8)}  ${String(r.dispatchers).padStart(11)}  ${fmt(r.neededPerS).padStart(8)}  ${fmt(r.gotPerS).padStart(6)}  ${fmt(100 * r.busyShare).padStart(5)}%  ${fmt(100 * r.heldShare).padStart(5)}%  ${`${fmt(r.gapP50, 0)} / ${fmt(r.gapP99, 0)}`.padStart(21)}   ${r.dispatcherCpuShare.map((c) => `${fmt(100 * c, 0)}%`).join(' + ')}`,
  );
}
if (memory) {
  console.log(`dispatcher resident memory (first run): ${fmt(memory.beforeMb, 0)} MB before, ${fmt(memory.peakMb, 0)} MB peak with ${slots} trials in flight,`);
  console.log(`  ${fmt(memory.afterMb, 0)} MB after: (peak − before) ÷ slots = ${fmt(memory.perSlotKb, 0)} KB per slot at most (it includes warming up)`);
}
console.log(JSON.stringify({ slots, memory, runs: results }));
