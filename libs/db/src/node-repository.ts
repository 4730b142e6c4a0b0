import type { Database, Prisma } from './database.js';

export interface NodeRecord {
  id: string;
  address: string;
  device: string;
  slots: number;
  backends: string[];
  models: string[];
  version: string;
}

/** Trainer nodes that ever registered (the live pool itself is in Redis, see libs/fleet). */
export class NodeRepository {
  private readonly prisma: Prisma;

  constructor(db: Database) {
    this.prisma = db.prisma;
  }

  async upsert(n: NodeRecord): Promise<void> {
    const data = { address: n.address, device: n.device, slots: n.slots, backends: n.backends, models: n.models, version: n.version };
    await this.prisma.trainerNode.upsert({
      where: { id: n.id },
      create: { id: n.id, ...data },
      update: { ...data, lastHeartbeatAt: new Date() },
    });
  }
}
