import type { TrainerNodeInfo } from '@tinysweep/api-types';
import type { Database, Prisma } from './database.js';

/** The database form of a node: the part of its description worth keeping once it has left. */
export type NodeRecord = Pick<TrainerNodeInfo, 'id' | 'address' | 'device' | 'slots' | 'backends' | 'models' | 'version'>;

/** Trainer nodes that ever registered (the live pool itself is in Redis, see libs/fleet). */
export class NodeRepository {
  private readonly prisma: Prisma;
  private readonly db: Database;

  constructor(db: Database) {
    this.prisma = db.prisma;
    this.db = db;
  }

  /** What holds each leased slot, by lease id (see {@link describeSlotWork}). */
  describeLeases(leases: readonly string[]): Promise<Map<string, SlotWork>> {
    return describeSlotWork(this.db, leases);
  }

  /** Takes the whole description (a heartbeat) and keeps the {@link NodeRecord} part. */
  async upsert(n: NodeRecord): Promise<void> {
    const { id, ...data } = toNodeRecord(n);
    await this.prisma.trainerNode.upsert({
      where: { id },
      create: { id, ...data },
      update: { ...data, lastHeartbeatAt: new Date() },
    });
  }
}

/** Picks the record's fields, so what else a heartbeat carries (GPUs, loaded models) never reaches Prisma. */
function toNodeRecord(n: NodeRecord): NodeRecord {
  return { id: n.id, address: n.address, device: n.device, slots: n.slots, backends: n.backends, models: n.models, version: n.version };
}

/** What holds a trainer slot, as `GET /nodes` shows it (see TrainerWork in libs/api-types). */
export interface SlotWork {
  kind: 'training' | 'evaluation' | 'trial';
  /** The trial's id, or the shared training's. */
  id: string;
  sweepId: string;
  sweepName: string;
  /** Trials it serves: a training's waiting trials; 1 otherwise. */
  trials: number;
  /** The latest learning-curve step stored for it, if any. */
  step: number | null;
  startedAt: Date | null;
}

const TRAINING_LEASE = /^train-([0-9a-f-]{36})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Describes slot leases (trial ids, `train-<training id>`) for the nodes view: one query for the
 * trials, one for the trainings. Ids that match nothing (a lease left by a dead dispatcher of a
 * deleted sweep) are left out.
 */
async function describeSlotWork(db: Database, leases: readonly string[]): Promise<Map<string, SlotWork>> {
  const trialIds = leases.filter((l) => UUID.test(l));
  const trainingIds = leases.map((l) => TRAINING_LEASE.exec(l)?.[1]).filter((x): x is string => x !== undefined);
  const out = new Map<string, SlotWork>();
  if (trialIds.length > 0) {
    const { rows } = await db.pool.query<{ id: string; sweepId: string; sweepName: string; trainingId: string | null; step: number | null; startedAt: Date | null }>(
      `SELECT t.id, t.sweep_id AS "sweepId", w.name AS "sweepName", t.training_id AS "trainingId", t.started_at AS "startedAt",
              (SELECT max(step) FROM trial_step s WHERE s.trial_id = t.id AND s.attempt = t.attempts) AS step
         FROM trial t JOIN sweep w ON w.id = t.sweep_id WHERE t.id = ANY($1::uuid[])`,
      [trialIds],
    );
    for (const r of rows) out.set(r.id, { kind: r.trainingId ? 'evaluation' : 'trial', id: r.id, sweepId: r.sweepId, sweepName: r.sweepName, trials: 1, step: r.step, startedAt: r.startedAt });
  }
  if (trainingIds.length > 0) {
    const { rows } = await db.pool.query<{ id: string; sweepId: string; sweepName: string; trials: number; step: number | null; startedAt: Date | null }>(
      `SELECT g.id, g.sweep_id AS "sweepId", w.name AS "sweepName", g.started_at AS "startedAt",
              (SELECT count(*)::int FROM trial t WHERE t.training_id = g.id AND t.status IN ('queued', 'running')) AS trials,
              (SELECT max(s.step) FROM trial t JOIN trial_step s ON s.trial_id = t.id WHERE t.training_id = g.id) AS step
         FROM trial_training g JOIN sweep w ON w.id = g.sweep_id WHERE g.id = ANY($1::uuid[])`,
      [trainingIds],
    );
    for (const r of rows) out.set(`train-${r.id}`, { kind: 'training', id: r.id, sweepId: r.sweepId, sweepName: r.sweepName, trials: r.trials, step: r.step, startedAt: r.startedAt });
  }
  return out;
}
