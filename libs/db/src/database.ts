import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
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
  /**
   * The connection pool under Prisma. The dispatcher's per-trial statements go through it
   * directly: they are fixed SQL, and Prisma's query layer cost more CPU than Postgres did.
   */
  readonly pool: pg.Pool;

  constructor(readonly url: string, opts: DatabaseOptions = {}) {
    const poolSize = opts.poolSize ?? 10;
    if (poolSize < 1) throw new Error('poolSize must be greater than 0');
    this.pool = new pg.Pool({ connectionString: url, max: poolSize });
    this.pool.on('error', () => undefined); // a broken idle connection is dropped and replaced
    this.prisma = new PrismaClient({ adapter: new PrismaPg(this.pool) });
  }

  async ping(): Promise<void> {
    await this.prisma.$queryRawUnsafe('SELECT 1');
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
    await this.pool.end().catch(() => undefined);
  }
}

export type Prisma = Database['prisma'];
