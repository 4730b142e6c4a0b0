#!/usr/bin/env node
/**
 * Simulated trainer nodes for `bench/orchestrator/scale.mjs`: SIM_TRAINERS real TrainerServers (gRPC,
 * mutual TLS, the trainer's own code from apps/trainer/dist) in this one process, SIM_SLOTS slots
 * each, each heartbeating to the API as a node of its own. What they run is the simulation: the
 * `command` backend here is SimulatedTraining, which waits SIM_TRIAL_MS (a GPU busy for that long)
 * and returns a result; no program starts. So the dispatcher, Postgres and Redis see a fleet of
 * SIM_TRAINERS × SIM_SLOTS slots and trials of a set length, at almost no cost to this machine.
 *
 * Environment: the trainer's (TINYSWEEP_API_URL, TINYSWEEP_NODE_TOKEN, TINYSWEEP_TRAINER_TOKEN,
 * TINYSWEEP_TLS_*), plus SIM_TRAINERS, SIM_SLOTS, SIM_TRIAL_MS, SIM_NAME (node id prefix).
 * Prints "sim trainers listening" when every server is up.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { trainerServerCredentials } from '@tinysweep/proto';
import { loadTlsMaterial } from '@tinysweep/tls';
import { BackendRegistry } from '../../apps/trainer/dist/backends/backend.js';
import { Heartbeat } from '../../apps/trainer/dist/heartbeat.js';
import { TrainerServer } from '../../apps/trainer/dist/trainer-server.js';

const TRAINERS = Number(process.env.SIM_TRAINERS ?? 10);
const SLOTS = Number(process.env.SIM_SLOTS ?? 10);
const TRIAL_MS = Number(process.env.SIM_TRIAL_MS ?? 10_000);
const NAME = process.env.SIM_NAME ?? 'sim';
const env = process.env;

/** The simulation: a trial that keeps its slot busy for TRIAL_MS and succeeds (the bench's stand-in for a GPU). */
class SimulatedTraining {
  name = 'command';
  async run(_req, sink, signal) {
    const t0 = performance.now();
    await sleep(TRIAL_MS, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return { ok: false, failure: 'FAILURE_CANCELLED', error: 'cancelled', seconds: (performance.now() - t0) / 1000 };
    sink.progress(1, { loss: 1 });
    return { ok: true, failure: 'FAILURE_NONE', error: '', metrics: { loss: 1 }, seconds: (performance.now() - t0) / 1000, environmentJson: JSON.stringify({ engine: 'sim' }) };
  }
  async fingerprint() {
    return { engine: 'sim' };
  }
}

const logger = pino({ name: 'sim-trainer', level: 'warn' });
const tls = loadTlsMaterial({ ca: env.TINYSWEEP_TLS_CA, cert: env.TINYSWEEP_TLS_CERT, key: env.TINYSWEEP_TLS_KEY }, 'trainer TLS');
const backends = new BackendRegistry();
backends.register(new SimulatedTraining());
const servers = [];
const heartbeats = [];
for (let i = 0; i < TRAINERS; i++) {
  const nodeId = `${NAME}-${i + 1}`;
  const server = new TrainerServer({
    credentials: trainerServerCredentials(tls, env.TINYSWEEP_ALLOW_PLAINTEXT === '1'),
    host: '127.0.0.1',
    port: 0,
    nodeId,
    slots: SLOTS,
    device: 'sim',
    token: env.TINYSWEEP_TRAINER_TOKEN,
    workdir: process.cwd(),
    backends,
    logger,
  });
  const { address } = await server.start();
  const heartbeat = new Heartbeat({
    apiUrl: env.TINYSWEEP_API_URL,
    token: env.TINYSWEEP_NODE_TOKEN,
    intervalMs: 2000,
    logger,
    body: () => ({ id: nodeId, address, device: 'sim', slots: SLOTS, running: server.running, backends: ['command'], models: [], version: 'sim' }),
  });
  heartbeat.start();
  servers.push(server);
  heartbeats.push(heartbeat);
}
process.stdout.write(`sim trainers listening: ${TRAINERS} × ${SLOTS} slots, trials of ${TRIAL_MS} ms\n`);

const stop = async () => {
  await Promise.all(heartbeats.map((h) => h.stop({ leave: true }).catch(() => undefined)));
  await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
