import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrainerFleet } from '@tinysweep/fleet';
import { TRAINER_PROTOCOL, TrainerClients } from '@tinysweep/proto';
import { TRIAL_CONTRACT } from '@tinysweep/trial';
import { LocalRedis, freePort } from '@tinysweep/stack';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForLease } from './lease.js';
import { NodeProber } from './node-prober.js';
import { startProtocolOneTrainer, type ProtocolOneTrainer } from './testing/protocol-one-trainer.js';
import { TrainerProtocols } from './trainer-protocols.js';

describe('a fleet with a trainer of an older protocol', () => {
  let redis: LocalRedis;
  let dir: string;
  let fleet: TrainerFleet;
  let clients: TrainerClients;
  let old: ProtocolOneTrainer;
  let current: ProtocolOneTrainer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'protocols-'));
    redis = new LocalRedis();
    fleet = new TrainerFleet(await redis.start(dir, await freePort()));
    clients = new TrainerClients(grpc.credentials.createInsecure());
    old = await startProtocolOneTrainer('old-node');
    current = await startProtocolOneTrainer('new-node');
    current.protocol = TRAINER_PROTOCOL; // the same double, answering as a current trainer
  });
  afterAll(async () => {
    clients.close();
    old.close();
    current.close();
    await fleet.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const beat = (t: ProtocolOneTrainer, slots: number) =>
    fleet.heartbeat({ id: t.nodeId, address: t.address, device: 'cpu', slots, running: 0, backends: ['command'], models: [], version: '0.1.0' });

  it('leases only the trainer that speaks its protocol; the other shows why, naming both versions, and comes back once upgraded', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const protocols = new TrainerProtocols(clients, fleet, log);
    // the old node has more free slots, so the fleet offers it first
    await beat(old, 4);
    await beat(current, 1);
    const signal = new AbortController().signal;
    const lease = await waitForLease(fleet, 'trial-1', { backend: 'command' }, signal, log, (l) => protocols.accepts(l));
    expect(lease?.nodeId).toBe('new-node');
    const why = `trainer old-node (version 0.1.0) speaks trainer protocol 1; this dispatcher speaks protocol ${TRAINER_PROTOCOL}: upgrade the trainer`;
    const nodes = await fleet.nodes();
    expect(nodes.find((n) => n.id === 'old-node')).toMatchObject({ alive: false, busy: 0, error: why });
    expect(nodes.find((n) => n.id === 'new-node')).toMatchObject({ alive: true, busy: 1 });
    expect(lines.filter((l) => l.includes(why))).toHaveLength(1);
    expect(old.trains).toBe(0);

    // The probe keeps it out while it speaks protocol 1, and lets it back once it speaks ours.
    const prober = new NodeProber(fleet, clients, log, protocols);
    await beat(old, 4);
    expect(await prober.probeOnce()).toEqual([]);
    expect((await fleet.nodes()).find((n) => n.id === 'old-node')?.error).toBe(why);
    old.protocol = TRAINER_PROTOCOL;
    expect(await prober.probeOnce()).toEqual(['old-node']);
    await fleet.release(lease!);
    const next = await waitForLease(fleet, 'trial-2', { backend: 'command' }, signal, log, (l) => protocols.accepts(l));
    expect(next?.nodeId).toBe('old-node');
    expect((await fleet.nodes()).find((n) => n.id === 'old-node')?.error).toBeUndefined();
    await fleet.release(next!);
  });

  it('sends nothing to a trainer of its protocol that reads another trial contract, and says which to upgrade', async () => {
    const log = pino({ level: 'silent' });
    const protocols = new TrainerProtocols(clients, fleet, log);
    const newer = await startProtocolOneTrainer('contract-node');
    try {
      newer.protocol = TRAINER_PROTOCOL;
      newer.contract = TRIAL_CONTRACT + 1;
      await beat(newer, 8); // the most free slots: offered first
      const lease = await waitForLease(fleet, 'trial-3', { backend: 'command' }, new AbortController().signal, log, (l) => protocols.accepts(l));
      expect(lease?.nodeId).not.toBe('contract-node');
      const why = `trainer contract-node (version 0.1.0) reads trial contract ${TRIAL_CONTRACT + 1}; this dispatcher sends contract ${TRIAL_CONTRACT}: upgrade the dispatcher`;
      expect((await fleet.nodes()).find((n) => n.id === 'contract-node')).toMatchObject({ alive: false, error: why });
      expect(newer.trains).toBe(0);
      await fleet.release(lease!);
    } finally {
      newer.close();
    }
  });
});
