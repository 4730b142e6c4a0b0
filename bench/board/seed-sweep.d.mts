import type pg from 'pg';
export declare function seedSweep(
  db: pg.Client,
  opts?: { trials?: number; seeds?: number; steps?: number; name?: string; noise?: number; settled?: boolean; methods?: string[] },
): Promise<{ sweepId: string; trials: number; seconds: number }>;
