import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export interface DatabaseOptions {
  /**
   * Connections in this process's pool.
   * @defaultValue 10
   */
  poolSize?: number;
}

/**
 * The one Prisma client of a process. Repositories take it; nothing outside libs/db
 * imports Prisma (so the store could change without touching the apps).
 */
export class Database {
  readonly prisma: InstanceType<typeof PrismaClient>;

  constructor(readonly url: string, opts: DatabaseOptions = {}) {
    const poolSize = opts.poolSize ?? 10;
    if (poolSize < 1) throw new Error('poolSize must be greater than 0');
    this.prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize }) });
  }

  async ping(): Promise<void> {
    await this.prisma.$queryRawUnsafe('SELECT 1');
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
  }
}

export type Prisma = Database['prisma'];
